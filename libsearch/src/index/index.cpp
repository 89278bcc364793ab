// Index: all-or-nothing writes of validated records into a Xapian database.
#include <aides/index.hpp>

#include <aides/errors.hpp>
#include <aides/version.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <filesystem>
#include <map>
#include <set>
#include <sstream>
#include <unordered_map>

#include "index/document_builder.hpp"
#include "index/index_store.hpp"
#include "index/schema.hpp"
#include "analysis/text_utils.hpp"
#include "io/record_reader.hpp"

namespace aides {

namespace fs = std::filesystem;

namespace {

// Thrown in a producing thread once the pipeline is cancelled (the writer failed).
struct Cancelled {};

// A bounded FIFO queue from some threads to others. pop() returns false once the queue is
// closed and empty, or cancelled; after cancel(), push() throws Cancelled.
template <class Item>
class Handoff {
  public:
    void push(Item&& item) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return items_.size() < max_items || cancelled_; });
        if (cancelled_) throw Cancelled{};
        items_.push_back(std::move(item));
        changed_.notify_all();
    }
    bool pop(Item& item) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !items_.empty() || closed_ || cancelled_; });
        if (items_.empty() || cancelled_) return false;
        item = std::move(items_.front());
        items_.pop_front();
        changed_.notify_all();
        return true;
    }
    void close() { set(closed_); }
    void cancel() { set(cancelled_); }

  private:
    static constexpr std::size_t max_items = 16;
    void set(bool& flag) {
        std::lock_guard lock(mutex_);
        flag = true;
        changed_.notify_all();
    }
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<Item> items_;
    bool closed_ = false, cancelled_ = false;
};

// Numbered batches from several analysis threads, handed on in their number's order: the
// writer sees the input's order whatever thread finished first. A producer more than `window`
// batches ahead waits; the batch the writer needs next is never the one waiting, since the
// batches are numbered in the order they are taken from a FIFO queue.
template <class Item>
class InOrder {
  public:
    explicit InOrder(std::size_t producers) : producers_(producers) {}

    void push(std::size_t number, std::vector<Item>&& batch) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return number < next_ + window || cancelled_; });
        if (cancelled_) throw Cancelled{};
        ready_.emplace(number, std::move(batch));
        changed_.notify_all();
    }
    bool pop(std::vector<Item>& batch) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return ready_.count(next_) || producers_ == 0 || cancelled_; });
        auto it = ready_.find(next_);
        if (cancelled_ || it == ready_.end()) return false;
        batch = std::move(it->second);
        ready_.erase(it);
        ++next_;
        changed_.notify_all();
        return true;
    }
    void producer_done() {
        std::lock_guard lock(mutex_);
        --producers_;
        changed_.notify_all();
    }
    void cancel() {
        std::lock_guard lock(mutex_);
        cancelled_ = true;
        changed_.notify_all();
    }

  private:
    static constexpr std::size_t window = 32;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::map<std::size_t, std::vector<Item>> ready_;
    std::size_t next_ = 0, producers_;
    bool cancelled_ = false;
};

// Analysis threads beside the reader (which then only parses) and the writer; 0: the reader
// analyses. Asked for 0 (automatic): one per core beyond the writer's and the reader's, at
// most 3 (the writer cannot take more).
unsigned analysis_threads(unsigned asked) {
    if (asked == 1) return 0;
    if (asked > 1) return asked;
    unsigned cores = std::thread::hardware_concurrency();
    return cores > 2 ? std::min(cores - 2, 3u) : 0;
}

}  // namespace

struct Index::Impl {
    std::string dir;
    Xapian::WritableDatabase db;
    Analyzer analyzer;
    store::Catalogue catalogue;
    // Metadata to write with the next transaction (new geography, taxonomy, lists...).
    std::vector<std::pair<std::string, std::string>> pending_metadata;
    bool created = false;  // nothing had been committed to it when it was opened
    // The spelling words of the stored documents with their counts, added to Xapian once per
    // transaction: one add_spelling per word rather than one per word of each aid (Xapian keeps
    // its own pending counts in a std::map, a dozen string comparisons per call on the writer's
    // thread). The spelling table is the same: it holds the sums either way.
    std::unordered_map<std::string, Xapian::termcount> pending_spelling;

    // One transaction: `body` writes, then it commits unless `keep` says no. Nothing of a
    // cancelled or failed transaction reaches the disk.
    template <class Body>
    bool transaction(Body&& body) {
        return store::translate_errors(dir, [&] {
            db.begin_transaction(true);
            pending_spelling.clear();
            try {
                for (const auto& [key, value] : pending_metadata) db.set_metadata(key, value);
                db.set_metadata(schema::meta_format, std::to_string(index_format_version));
                bool keep = body();
                if (!keep) {
                    pending_spelling.clear();
                    db.cancel_transaction();
                    return false;
                }
                add_pending_spelling();
                db.commit_transaction();
                pending_metadata.clear();
                return true;
            } catch (...) {
                pending_spelling.clear();
                try {
                    db.cancel_transaction();
                } catch (const Xapian::Error&) {
                }
                throw;
            }
        });
    }

    // One entry of the input on its way to the index, in input order: a record, or an issue
    // the reader met. An analysis thread fills in what the record gives (analyse); the writer
    // then decides, in input order, whether it is admitted (admit) and stores it.
    struct Entry {
        enum class Kind { record, error, warning } kind = Kind::record;
        SourcedAid record;  // Kind::record; only its id, source and line once analysed
        RecordIssue issue;  // Kind::error, Kind::warning
        // What analyse() found: why the record is invalid, or its warnings and its document.
        std::optional<RecordIssue> invalid;
        std::vector<std::string> warnings;
        bool no_audience = false;
        std::optional<Xapian::Document> doc;
        std::vector<std::pair<std::string, Xapian::termcount>> spelling;  // each word once, with its count
        std::size_t progress_read = 0;  // call the progress callback with this count, when not 0
        std::string progress_input;
    };

    // Validates a record and builds its document: the work that does not depend on the other
    // records, done by any thread with its own builder.
    static void analyse(Entry& entry, const DocumentBuilder& builder) {
        Aid& aid = entry.record.aid;
        try {
            entry.warnings = builder.validate(aid);
        } catch (const DataError& e) {
            entry.invalid = RecordIssue{entry.record.source, entry.record.line, e.field(), e.what(), aid.id};
            return;
        }
        entry.no_audience = aid.targeted_audiences.empty();
        std::vector<std::string> words;
        entry.doc = builder.build(aid, words);
        std::sort(words.begin(), words.end());
        for (auto& word : words) {
            if (!entry.spelling.empty() && entry.spelling.back().first == word) ++entry.spelling.back().second;
            else entry.spelling.emplace_back(std::move(word), 1);
        }
        std::string id = std::move(aid.id);
        aid = Aid{};  // the document holds it now
        aid.id = std::move(id);
    }

    // In input order: rejects a duplicate id or an invalid record, else reports the record's
    // warnings. True when its document is to be stored.
    static bool admit(Entry& entry, std::unordered_map<std::string, std::size_t>& seen, IngestReport& report) {
        const SourcedAid& record = entry.record;
        if (auto it = seen.find(record.aid.id); it != seen.end()) {
            report.errors.push_back(RecordIssue{record.source, record.line, "id",
                                                "duplicate id \"" + record.aid.id + "\" (first at line " + std::to_string(it->second) + ")",
                                                record.aid.id});
            ++report.rejected;
            return false;
        }
        if (entry.invalid) {
            report.errors.push_back(std::move(*entry.invalid));
            ++report.rejected;
            return false;
        }
        seen.emplace(record.aid.id, record.line);
        for (auto& warning : entry.warnings) report.warnings.push_back(RecordIssue{record.source, record.line, "", std::move(warning)});
        if (entry.no_audience) {
            RecordIssue concern{record.source, record.line, "targeted_audiences", "no targeted audience", record.aid.id};
            concern.kind = "no-audience";
            report.warnings.push_back(std::move(concern));
        }
        return true;
    }

    // `fresh`: the index held no aid when this transaction began, and ids are unique within
    // it, so nothing can be replaced (Xapian's look-up of the id term is skipped).
    // Returns true when the id was already in the index (the aid is replaced).
    bool store(const Entry& entry, bool fresh) {
        const std::string id_term = schema::term(schema::id, entry.record.aid.id);
        bool existed = !fresh && db.term_exists(id_term);
        if (existed) db.replace_document(id_term, *entry.doc);
        else db.add_document(*entry.doc);
        for (const auto& [word, count] : entry.spelling) pending_spelling[word] += count;
        return existed;
    }

    // In word order, so that Xapian's pending map grows at its end.
    void add_pending_spelling() {
        std::vector<std::pair<std::string_view, Xapian::termcount>> words(pending_spelling.begin(), pending_spelling.end());
        std::sort(words.begin(), words.end());
        for (const auto& [word, count] : words) db.add_spelling(std::string(word), count);
        pending_spelling.clear();
    }

    IngestReport run(const std::vector<std::string>& inputs, const IngestOptions& options, bool sync) {
        IngestReport report;
        std::unordered_map<std::string, std::size_t> seen;
        bool committed = transaction([&] {
            const std::size_t held = db.get_doccount();
            const bool fresh = held == 0;
            // A reader parses the records; analysis threads (or the reader itself) validate and
            // analyse them, half of the work; this thread admits them and moves their documents
            // into Xapian, in the order of the input whatever the number of threads, so that the
            // index is the same byte for byte.
            const unsigned workers = analysis_threads(options.threads);
            Handoff<std::pair<std::size_t, std::vector<Entry>>> to_analyse;
            InOrder<Entry> analysed(workers == 0 ? 1 : workers);
            auto cancel = [&] {
                to_analyse.cancel();
                analysed.cancel();
            };
            std::mutex failure_mutex;
            std::exception_ptr failure;  // the first of the reader's and the workers'
            auto fail = [&] {
                std::lock_guard lock(failure_mutex);
                if (!failure) failure = std::current_exception();
            };
            // ICU's break iterator and Xapian's stemmer are one per thread; copied here, before
            // any thread reads the original.
            std::vector<Analyzer> analyzers(workers, analyzer);
            std::vector<std::thread> threads;
            threads.emplace_back([&] {
                try {
                    read_all(inputs, options, workers, to_analyse, analysed);
                } catch (const Cancelled&) {
                } catch (...) {
                    fail();
                }
                if (workers == 0) analysed.producer_done();
                else to_analyse.close();
            });
            for (unsigned i = 0; i < workers; ++i) {
                threads.emplace_back([&, i] {
                    try {
                        DocumentBuilder builder(catalogue, analyzers[i]);
                        std::pair<std::size_t, std::vector<Entry>> batch;
                        while (to_analyse.pop(batch)) {
                            for (Entry& entry : batch.second)
                                if (entry.kind == Entry::Kind::record) analyse(entry, builder);
                            analysed.push(batch.first, std::move(batch.second));
                        }
                    } catch (const Cancelled&) {
                    } catch (...) {
                        fail();
                        cancel();
                    }
                    analysed.producer_done();
                });
            }
            auto join = [&] {
                for (auto& thread : threads) thread.join();
            };
            std::vector<std::string> added, replaced;
            try {
                std::vector<Entry> batch;
                while (analysed.pop(batch)) {
                    for (Entry& entry : batch) {
                        switch (entry.kind) {
                            case Entry::Kind::record:
                                ++report.read;
                                if (admit(entry, seen, report))
                                    (store(entry, fresh) ? replaced : added).push_back(std::move(entry.record.aid.id));
                                break;
                            case Entry::Kind::error:
                                if (!entry.issue.whole_file) {  // a record that could not be parsed
                                    ++report.read;
                                    ++report.rejected;
                                }
                                report.errors.push_back(std::move(entry.issue));
                                break;
                            case Entry::Kind::warning: report.warnings.push_back(std::move(entry.issue)); break;
                        }
                        if (entry.progress_read && options.progress) options.progress(entry.progress_read, entry.progress_input);
                    }
                }
            } catch (...) {
                cancel();
                join();
                throw;
            }
            join();
            if (failure) std::rethrow_exception(failure);
            report.valid = added.size() + replaced.size();
            report.indexed = report.valid;
            report.added_ids = std::move(added);
            report.replaced_ids = std::move(replaced);
            collect_concerns(report);

            // Skipping is for records: a file that could not be read whole refuses the run.
            for (const auto& issue : report.errors) {
                if (!issue.whole_file) continue;
                report.refusal = issue.source + ": cannot be read whole (" + issue.message +
                                 "); nothing written (--skip-invalid skips records, not files)";
                break;
            }
            if (sync && report.refusal.empty()) report.refusal = plan_removals(report, seen, held, options);
            if (sync && report.refusal.empty() && (report.errors.empty() || options.skip_invalid) && !options.dry_run)
                for (const auto& id : report.removed_ids) db.delete_document(schema::term(schema::id, id));
            report.deleted = report.removed_ids.size();
            if (options.dry_run || !report.refusal.empty()) return false;
            return report.errors.empty() || options.skip_invalid;
        });
        report.committed = committed;
        if (!committed) {
            report.indexed = 0;
            report.deleted = 0;
        }
        return report;
    }

    // A sync's removals: the indexed aids absent from the dump, unless the dump was rejected
    // whole or they are too many. Returns why the sync must not apply ("" when it may).
    std::string plan_removals(IngestReport& report, const std::unordered_map<std::string, std::size_t>& seen,
                              std::size_t held, const IngestOptions& options) {
        std::string names;
        for (std::size_t i = 0; i < report.errors.size() && i < 3; ++i)
            names += (i ? ", " : "") + report.errors[i].source + (report.errors[i].line ? ":" + std::to_string(report.errors[i].line) : "");
        if (report.read == 0)
            return "the dump holds no record: a sync would remove all " + std::to_string(held) + " aids; nothing written";
        if (report.valid == 0)
            return "no valid record in the dump (" + std::to_string(report.rejected) + " rejected, first at " + names +
                   "): a sync would remove all " + std::to_string(held) + " aids; nothing written";
        // A rejected record keeps its indexed version: it is in the dump, only unreadable today.
        std::set<std::string> kept;
        std::size_t unknown = 0;
        for (const auto& issue : report.errors) {
            if (issue.id.empty()) ++unknown;
            else kept.insert(issue.id);
        }
        if (unknown > 0) {
            RecordIssue note{"", 0, "", std::to_string(unknown) + " rejected record(s) without a readable id: nothing removed, "
                                        "since they may be any of the indexed aids"};
            report.warnings.push_back(std::move(note));
            return {};
        }
        const std::string prefix(schema::id);
        for (auto it = db.allterms_begin(prefix); it != db.allterms_end(prefix); ++it) {
            std::string id = (*it).substr(prefix.size());
            if (!seen.count(id) && !kept.count(id)) report.removed_ids.push_back(std::move(id));
        }
        std::size_t allowed = options.max_removals.allowed(held);
        if (report.removed_ids.size() <= allowed) return {};
        std::string first;
        for (std::size_t i = 0; i < report.removed_ids.size() && i < 10; ++i) first += (i ? ", " : "") + report.removed_ids[i];
        if (report.removed_ids.size() > 10) first += ", ...";
        return "the sync would remove " + std::to_string(report.removed_ids.size()) + " of " + std::to_string(held) +
               " aids, more than --max-removals " + options.max_removals.to_string() + " allows (" +
               std::to_string(allowed) + "): " + first + "; nothing written (raise --max-removals if this is meant)";
    }

    // Moves the warnings that are concerns (a kind) into per-kind counts with the first few.
    static void collect_concerns(IngestReport& report) {
        static const std::pair<const char*, const char*> kinds[] = {
            {"no-audience", "no targeted audience: no commune search can return it"},
            {"national-by-default", "no perimeter: indexed as France"},
            {"perimeter-not-inferred", "no perimeter, and a financer whose area is no perimeter: indexed as France"},
            {"perimeter-inferred", "a perimeter inferred from a financer's name"},
        };
        std::vector<RecordIssue> plain;
        for (auto& warning : report.warnings) {
            if (warning.kind.empty()) {
                plain.push_back(std::move(warning));
                continue;
            }
            auto it = std::find_if(report.concerns.begin(), report.concerns.end(), [&](const RecordConcern& c) { return c.kind == warning.kind; });
            if (it == report.concerns.end()) {
                report.concerns.push_back(RecordConcern{warning.kind, "", 0, {}});
                it = report.concerns.end() - 1;
            }
            ++it->count;
            if (it->first.size() < 5) it->first.push_back(std::move(warning));
        }
        report.warnings = std::move(plain);
        for (auto& concern : report.concerns) {
            const char* says = "";
            for (const auto& [kind, text] : kinds)
                if (concern.kind == kind) says = text;
            concern.summary = std::to_string(concern.count) + (concern.count == 1 ? " aid has " : " aids have ") + says;
        }
    }

    // The reader's side of run(): every entry of every input, in numbered batches, to the
    // analysis threads, or analysed here and straight to the writer when there are none.
    void read_all(const std::vector<std::string>& inputs, const IngestOptions& options, unsigned workers,
                  Handoff<std::pair<std::size_t, std::vector<Entry>>>& to_analyse, InOrder<Entry>& analysed) {
        std::optional<DocumentBuilder> builder;
        if (workers == 0) builder.emplace(catalogue, analyzer);
        std::vector<Entry> batch;
        std::size_t number = 0, read = 0;
        auto send = [&] {
            if (workers == 0) {
                for (Entry& entry : batch)
                    if (entry.kind == Entry::Kind::record) analyse(entry, *builder);
                analysed.push(number++, std::move(batch));
            } else {
                to_analyse.push({number++, std::move(batch)});
            }
            batch.clear();
        };
        auto add = [&](Entry&& entry, const std::string& input) {
            bool progress = options.progress && read % 10000 == 0 && entry.kind == Entry::Kind::record;
            if (progress) {
                entry.progress_read = read;
                entry.progress_input = input;
            }
            batch.push_back(std::move(entry));
            if (batch.size() == 32 || progress) send();  // progress on time
        };
        for (const auto& input : inputs) {
            json_io::for_each_record(
                input, options.format,
                [&](SourcedAid&& record) {
                    ++read;
                    Entry entry;
                    entry.record = std::move(record);
                    add(std::move(entry), input);
                },
                [&](RecordIssue&& issue) {
                    Entry entry;
                    entry.kind = Entry::Kind::error;
                    if (!issue.whole_file) ++read;
                    entry.issue = std::move(issue);
                    add(std::move(entry), input);
                },
                [&](RecordIssue&& warning) {
                    Entry entry;
                    entry.kind = Entry::Kind::warning;
                    entry.issue = std::move(warning);
                    add(std::move(entry), input);
                });
        }
        if (!batch.empty()) send();
    }
};

Index::Index(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Index::~Index() = default;
Index::Index(Index&&) noexcept = default;
Index& Index::operator=(Index&&) noexcept = default;

Index Index::open(const std::string& dir, const IndexOptions& options) {
    auto impl = std::make_unique<Impl>();
    impl->dir = dir;
    std::error_code ec;
    bool existing = false;
    if (!fs::exists(dir, ec)) {
        // `--db a/b/c` makes its missing folders, as `mkdir -p` would.
        fs::create_directories(dir, ec);
        if (ec) throw IndexError(dir + ": cannot create the index directory: " + ec.message());
    }
    if (fs::exists(dir, ec)) {
        if (!fs::is_directory(dir, ec)) throw IndexError(dir + ": exists and is not a directory");
        // Never write Xapian files into a directory that holds something else.
        existing = !fs::is_empty(dir, ec);
        // Written, a replica would part from its master, and the next full copy would drop it.
        if (existing && fs::exists(fs::path(dir) / "XAPIANDB"))
            throw IndexError(dir + ": a replica made by xapian-replicate; index on the master, the replica follows it");
        if (existing && !fs::exists(fs::path(dir) / "iamglass") && !fs::exists(fs::path(dir) / "iamchert"))
            throw IndexError(dir + ": not an aides index (a non-empty directory without a Xapian database)");
    }
    // Said before Xapian tries its lock, which would blame another writer.
    if (fs::is_directory(dir, ec) && ::access(dir.c_str(), W_OK | X_OK) != 0)
        throw IndexError(dir + ": cannot write to the index directory: " + std::strerror(errno));
    store::translate_errors(dir, [&] {
        // An existing directory must read as an aides index before it is opened for writing:
        // Xapian would create a new database over files that only look like one.
        if (existing) store::check_format(Xapian::Database(dir), dir);
        // Xapian moves its in-memory postings to the tables every N documents (still inside our
        // transaction: nothing is committed). Its default N of 10,000 makes that inverter slow and
        // big: 1,000 indexes 1.6x faster in a quarter of the memory (docs/benchmarks.md). Xapian
        // 1.4 reads N only from this variable, when the database is opened.
        if (!std::getenv("XAPIAN_FLUSH_THRESHOLD")) setenv("XAPIAN_FLUSH_THRESHOLD", "1000", 0);
        impl->db = Xapian::WritableDatabase(dir, existing ? Xapian::DB_OPEN : Xapian::DB_CREATE_OR_OPEN);
        store::check_format(impl->db, dir);
        return 0;
    });
    store::Catalogue& catalogue = impl->catalogue;
    store::translate_errors(dir, [&] {
        catalogue = store::load_catalogue(impl->db, dir, impl->analyzer);
        return 0;
    });
    auto& pending = impl->pending_metadata;
    impl->created = impl->db.get_metadata(schema::meta_format).empty();
    const bool fresh = impl->created;

    // Reference data given now replaces the stored one; a new index stores the defaults.
    if (!options.geography_path.empty() || (fresh && impl->db.get_metadata(schema::meta_geography).empty())) {
        std::string path = options.geography_path.empty() ? store::default_geography_path() : options.geography_path;
        if (!options.geography_path.empty() || fs::exists(path)) {
            Geography geography = store::load_geography(path);
            for (const auto& name : catalogue.geography.adhoc_names())
                geography.add_adhoc(name, catalogue.geography.adhoc_members(name));
            catalogue.geography = std::move(geography);
            pending.emplace_back(schema::meta_geography, store::packed(catalogue.geography.serialize()));
        }
    }
    if (!options.taxonomy_path.empty() || fresh) {
        std::string path = options.taxonomy_path.empty() ? store::default_taxonomy_path() : options.taxonomy_path;
        catalogue.taxonomy = Taxonomy::load(path);
        pending.emplace_back(schema::meta_taxonomy, catalogue.taxonomy.text());
    }
    // The shipped dictionary is stored when the index is made; a librarian's file given now
    // extends it (replacing the file given before), without re-indexing any aid.
    if (fresh && fs::exists(store::default_synonyms_path())) {
        std::string text = store::read_file(store::default_synonyms_path(), "synonyms");
        catalogue.synonyms = Synonyms::parse(text, store::default_synonyms_path(), impl->analyzer);
        pending.emplace_back(schema::meta_synonyms, text);
    }
    if (!options.synonyms_path.empty()) {
        std::string text = store::read_file(options.synonyms_path, "synonyms");
        Synonyms local = Synonyms::parse(text, options.synonyms_path, impl->analyzer);
        std::string shipped = fresh ? catalogue.synonyms.text() : impl->db.get_metadata(schema::meta_synonyms);
        catalogue.synonyms = Synonyms::parse(shipped, "synonyms", impl->analyzer);
        catalogue.synonyms.extend(local);
        pending.emplace_back(schema::meta_synonyms_local, text);
    }
    for (const auto& [name, path] : options.adhoc) {
        if (name.empty() || name.find_first_of(": \t") != std::string::npos)
            throw DataError("bad ad-hoc perimeter name \"" + name + "\" (letters, digits, - and _ only)", path, 0);
        std::vector<std::string> codes = Geography::read_adhoc_file(path);
        std::string joined;
        for (const auto& code : codes) joined += code + "\n";
        catalogue.geography.add_adhoc(name, codes);
        pending.emplace_back(std::string(schema::meta_adhoc_prefix) + text::ascii_lower(name), joined);
    }
    return Index(std::move(impl));
}

IngestReport Index::ingest(const std::vector<std::string>& inputs, const IngestOptions& options) {
    return impl_->run(inputs, options, false);
}

IngestReport Index::sync(const std::vector<std::string>& inputs, const IngestOptions& options) {
    return impl_->run(inputs, options, true);
}

IngestReport Index::add(const std::vector<Aid>& aids) {
    IngestReport report;
    std::unordered_map<std::string, std::size_t> seen;
    report.committed = impl_->transaction([&] {
        DocumentBuilder builder(impl_->catalogue, impl_->analyzer);
        for (std::size_t i = 0; i < aids.size(); ++i) {
            Impl::Entry entry;
            entry.record = SourcedAid{aids[i], "record", i + 1};
            ++report.read;
            Impl::analyse(entry, builder);
            if (!Impl::admit(entry, seen, report)) {
                const RecordIssue& issue = report.errors.back();
                throw DataError(issue.message, issue.source, issue.line, issue.field);
            }
            (impl_->store(entry, false) ? report.replaced_ids : report.added_ids).push_back(entry.record.aid.id);
            ++report.indexed;
            ++report.valid;
        }
        return true;
    });
    return report;
}

RemovalReport Index::remove(const std::vector<std::string>& ids, bool dry_run) {
    RemovalReport report;
    impl_->transaction([&] {
        std::set<std::string> done;
        for (const auto& id : ids) {
            if (!done.insert(id).second) continue;
            std::string id_term = schema::term(schema::id, id);
            if (impl_->db.term_exists(id_term)) {
                impl_->db.delete_document(id_term);
                report.removed.push_back(id);
            } else {
                report.not_found.push_back(id);
            }
        }
        return !dry_run;
    });
    return report;
}

RemovalLimit RemovalLimit::parse(const std::string& text) {
    std::string number = text;
    RemovalLimit limit;
    limit.percent = !number.empty() && number.back() == '%';
    if (limit.percent) number.pop_back();
    while (!number.empty() && number.back() == ' ') number.pop_back();
    char* end = nullptr;
    errno = 0;
    double value = number.empty() ? -1 : std::strtod(number.c_str(), &end);
    bool whole = end && *end == '\0' && errno == 0;
    if (!whole || value < 0 || (limit.percent && value > 100) || (!limit.percent && value != static_cast<double>(static_cast<long long>(value))))
        throw UsageError("bad --max-removals \"" + text + "\" (expected a count such as 250 or a percentage such as 10%)", text);
    limit.value = value;
    return limit;
}

std::size_t RemovalLimit::allowed(std::size_t indexed) const {
    if (!percent) return static_cast<std::size_t>(value);
    return static_cast<std::size_t>(static_cast<double>(indexed) * value / 100.0 + 1e-9);
}

std::string RemovalLimit::to_string() const {
    std::ostringstream out;
    out << value << (percent ? " %" : value == 1 ? " aid" : " aids");
    return out.str();
}

namespace {

// Swaps two directories in one step: a reader sees the old index or the new one, never none.
void exchange_directories(const fs::path& a, const fs::path& b) {
    if (::renameat2(AT_FDCWD, a.c_str(), AT_FDCWD, b.c_str(), RENAME_EXCHANGE) == 0) return;
    int error = errno;
    if (error != EINVAL && error != ENOSYS)
        throw IndexError(b.string() + ": cannot put the compacted index in place: " + std::strerror(error));
    // A file system without exchange: two renames, with a moment without an index at `b`.
    fs::path aside = a.string() + ".old";
    std::error_code ec;
    fs::rename(b, aside, ec);
    if (ec) throw IndexError(b.string() + ": cannot put the compacted index in place: " + ec.message());
    fs::rename(a, b, ec);
    if (ec) {
        std::error_code back;
        fs::rename(aside, b, back);  // the old index where it was
        throw IndexError(b.string() + ": cannot put the compacted index in place: " + ec.message());
    }
    fs::rename(aside, a, ec);  // the old files where the caller removes them
    if (ec) fs::remove_all(aside, ec);
}

}  // namespace

void Index::compact() {
    Impl& impl = *impl_;
    // The real directory (not a link to it), so that the copy lands beside it and the
    // exchange swaps directories.
    std::error_code resolved;
    fs::path dir = fs::canonical(impl.dir, resolved);
    if (resolved) dir = fs::path(impl.dir).lexically_normal();
    if (dir.filename().empty()) dir = dir.parent_path();  // `idx/`
    // Beside the index, on the same file system, so that the swap is a rename.
    std::string pattern = dir.string() + ".compacting-XXXXXX";
    // What a compaction killed half-way left beside the index. None is running: this handle
    // holds the index's only writer lock.
    const std::string leftover = dir.filename().string() + ".compacting-";
    std::error_code ec, ignored;
    fs::path parent = dir.has_parent_path() ? dir.parent_path() : fs::path(".");
    for (fs::directory_iterator it(parent, ec), end; !ec && it != end; it.increment(ec)) {
        std::string name = it->path().filename().string();
        if (name.size() == leftover.size() + 6 && name.compare(0, leftover.size(), leftover) == 0 && it->is_directory(ignored))
            fs::remove_all(it->path(), ignored);
    }
    if (!::mkdtemp(pattern.data()))
        throw IndexError(impl.dir + ": cannot create a directory beside the index to compact it: " + std::strerror(errno));
    // mkdtemp makes it private (0700): the index keeps its own mode and owner for its readers.
    struct stat original {};
    if (::stat(dir.c_str(), &original) == 0) {
        ::chmod(pattern.c_str(), original.st_mode & 07777);
        // Only root may hand it to the index's owner; anyone else owns what they write anyway.
        if (::chown(pattern.c_str(), original.st_uid, original.st_gid) != 0) errno = 0;
    }
    // Removed whatever happens: the compacted copy on failure, the old files on success.
    struct RemovedAtExit {
        fs::path path;
        ~RemovedAtExit() {
            std::error_code ec;
            fs::remove_all(path, ec);
        }
    } scratch{pattern};
    store::translate_errors(impl.dir, [&] {
        impl.db.compact(scratch.path.string());
        return 0;
    });
    exchange_directories(scratch.path, dir);
    // This handle still reads the old files, now in `scratch`.
    store::translate_errors(impl.dir, [&] {
        impl.db.close();
        impl.db = Xapian::WritableDatabase(impl.dir, Xapian::DB_OPEN);
        return 0;
    });
}

bool Index::created() const { return impl_->created; }

std::size_t Index::size() const {
    return store::translate_errors(impl_->dir, [&] { return static_cast<std::size_t>(impl_->db.get_doccount()); });
}

std::vector<std::string> Index::ids() const {
    return store::translate_errors(impl_->dir, [&] {
        std::vector<std::string> out;
        for (auto it = impl_->db.allterms_begin(std::string(schema::id)); it != impl_->db.allterms_end(std::string(schema::id)); ++it)
            out.push_back((*it).substr(schema::id.size()));
        return out;
    });
}

}  // namespace aides
