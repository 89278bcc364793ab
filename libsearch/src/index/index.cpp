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

// A bounded queue of batches from one thread to another. pop() returns false once the queue
// is closed and empty; after cancel(), push() throws Cancelled in the producing thread.
template <class Item>
class Handoff {
  public:
    struct Cancelled {};

    void push(std::vector<Item>&& batch) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return batches_.size() < max_batches || cancelled_; });
        if (cancelled_) throw Cancelled{};
        batches_.push_back(std::move(batch));
        batch.clear();
        changed_.notify_all();
    }
    bool pop(std::vector<Item>& batch) {
        std::unique_lock lock(mutex_);
        changed_.wait(lock, [&] { return !batches_.empty() || closed_; });
        if (batches_.empty()) return false;
        batch = std::move(batches_.front());
        batches_.pop_front();
        changed_.notify_all();
        return true;
    }
    void close() { set(closed_); }
    void cancel() { set(cancelled_); }

  private:
    static constexpr std::size_t max_batches = 16;
    void set(bool& flag) {
        std::lock_guard lock(mutex_);
        flag = true;
        changed_.notify_all();
    }
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::vector<Item>> batches_;
    bool closed_ = false, cancelled_ = false;
};

}  // namespace

struct Index::Impl {
    std::string dir;
    Xapian::WritableDatabase db;
    Analyzer analyzer;
    store::Catalogue catalogue;
    // Metadata to write with the next transaction (new geography, taxonomy, lists...).
    std::vector<std::pair<std::string, std::string>> pending_metadata;
    bool created = false;  // nothing had been committed to it when it was opened

    // One transaction: `body` writes, then it commits unless `keep` says no. Nothing of a
    // cancelled or failed transaction reaches the disk.
    template <class Body>
    bool transaction(Body&& body) {
        return store::translate_errors(dir, [&] {
            db.begin_transaction(true);
            try {
                for (const auto& [key, value] : pending_metadata) db.set_metadata(key, value);
                db.set_metadata(schema::meta_format, std::to_string(index_format_version));
                bool keep = body();
                if (!keep) {
                    db.cancel_transaction();
                    return false;
                }
                db.commit_transaction();
                pending_metadata.clear();
                return true;
            } catch (...) {
                try {
                    db.cancel_transaction();
                } catch (const Xapian::Error&) {
                }
                throw;
            }
        });
    }

    // One record made ready for the database: its document, or only a progress mark when the
    // record was rejected.
    struct Prepared {
        std::string id;
        std::string id_term;
        std::optional<Xapian::Document> doc;
        std::vector<std::pair<std::string, Xapian::termcount>> spelling;  // each word once, with its count
        std::size_t progress_read = 0;  // call the progress callback with this count, when not 0
        std::string progress_input;
    };

    // Validates a record and builds its document; nothing (with an issue) when it is bad.
    std::optional<Prepared> prepare(SourcedAid& record, const DocumentBuilder& builder,
                                    std::unordered_map<std::string, std::size_t>& seen, IngestReport& report) {
        auto issue = [&](std::string field, std::string message) {
            report.errors.push_back(RecordIssue{record.source, record.line, std::move(field), std::move(message), record.aid.id});
            ++report.rejected;
            return std::nullopt;
        };
        auto [it, inserted] = seen.emplace(record.aid.id, record.line);
        if (!inserted)
            return issue("id", "duplicate id \"" + record.aid.id + "\" (first at line " + std::to_string(it->second) + ")");
        std::vector<std::string> warnings;
        try {
            warnings = builder.validate(record.aid);
        } catch (const DataError& e) {
            seen.erase(record.aid.id);
            return issue(e.field(), e.what());
        }
        for (auto& warning : warnings) report.warnings.push_back(RecordIssue{record.source, record.line, "", std::move(warning)});
        if (record.aid.targeted_audiences.empty()) {
            RecordIssue concern{record.source, record.line, "targeted_audiences", "no targeted audience", record.aid.id};
            concern.kind = "no-audience";
            report.warnings.push_back(std::move(concern));
        }
        Prepared prepared;
        prepared.id = record.aid.id;
        prepared.id_term = schema::term(schema::id, record.aid.id);
        std::vector<std::string> words;
        prepared.doc = builder.build(record.aid, words);
        // Counted here, on the reader's thread: the writer's is the busy one.
        std::sort(words.begin(), words.end());
        for (auto& word : words) {
            if (!prepared.spelling.empty() && prepared.spelling.back().first == word) ++prepared.spelling.back().second;
            else prepared.spelling.emplace_back(std::move(word), 1);
        }
        return prepared;
    }

    // `fresh`: the index held no aid when this transaction began, and ids are unique within
    // it, so nothing can be replaced (Xapian's look-up of the id term is skipped).
    // Returns true when the id was already in the index (the aid is replaced).
    bool store(const Prepared& prepared, bool fresh) {
        bool existed = !fresh && db.term_exists(prepared.id_term);
        if (existed) db.replace_document(prepared.id_term, *prepared.doc);
        else db.add_document(*prepared.doc);
        for (const auto& [word, count] : prepared.spelling) db.add_spelling(word, count);
        return existed;
    }

    IngestReport run(const std::vector<std::string>& inputs, const IngestOptions& options, bool sync) {
        IngestReport report;
        std::unordered_map<std::string, std::size_t> seen;
        bool committed = transaction([&] {
            const std::size_t held = db.get_doccount();
            const bool fresh = held == 0;
            // Two threads: a reader parses, validates and analyses the records (half of the
            // work), this one moves their documents into Xapian, in the order of the input.
            // `report` and `seen` belong to the reader until it has finished.
            Handoff<Prepared> handoff;
            std::exception_ptr reader_failure;
            std::vector<std::string> added, replaced;
            std::thread reader([&] {
                try {
                    read_all(inputs, options, seen, report, handoff);
                } catch (const Handoff<Prepared>::Cancelled&) {
                } catch (...) {
                    reader_failure = std::current_exception();
                }
                handoff.close();
            });
            try {
                std::vector<Prepared> batch;
                while (handoff.pop(batch)) {
                    for (Prepared& prepared : batch) {
                        if (prepared.doc) (store(prepared, fresh) ? replaced : added).push_back(std::move(prepared.id));
                        if (prepared.progress_read && options.progress) options.progress(prepared.progress_read, prepared.progress_input);
                    }
                }
            } catch (...) {
                handoff.cancel();
                reader.join();
                throw;
            }
            reader.join();
            if (reader_failure) std::rethrow_exception(reader_failure);
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

    // The reader's side of run(): every record of every input, prepared in batches.
    void read_all(const std::vector<std::string>& inputs, const IngestOptions& options,
                  std::unordered_map<std::string, std::size_t>& seen, IngestReport& report, Handoff<Prepared>& handoff) {
        DocumentBuilder builder(catalogue, analyzer);
        std::vector<Prepared> batch;
        for (const auto& input : inputs) {
            json_io::for_each_record(
                input, options.format,
                [&](SourcedAid&& record) {
                    ++report.read;
                    std::optional<Prepared> prepared = prepare(record, builder, seen, report);
                    bool progress = options.progress && report.read % 10000 == 0;
                    if (!prepared && !progress) return;
                    if (!prepared) prepared.emplace();
                    if (progress) {
                        prepared->progress_read = report.read;
                        prepared->progress_input = input;
                    }
                    batch.push_back(std::move(*prepared));
                    if (batch.size() == 32 || progress) handoff.push(std::move(batch));  // progress on time
                },
                [&](RecordIssue&& issue) {
                    if (!issue.whole_file) {  // a record that could not be parsed
                        ++report.read;
                        ++report.rejected;
                    }
                    report.errors.push_back(std::move(issue));
                },
                [&](RecordIssue&& warning) { report.warnings.push_back(std::move(warning)); });
        }
        if (!batch.empty()) handoff.push(std::move(batch));
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
            SourcedAid record{aids[i], "record", i + 1};
            ++report.read;
            std::optional<Impl::Prepared> prepared = impl_->prepare(record, builder, seen, report);
            if (!prepared) {
                const RecordIssue& issue = report.errors.back();
                throw DataError(issue.message, issue.source, issue.line, issue.field);
            }
            (impl_->store(*prepared, false) ? report.replaced_ids : report.added_ids).push_back(prepared->id);
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
