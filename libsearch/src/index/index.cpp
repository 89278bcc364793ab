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
            report.errors.push_back(RecordIssue{record.source, record.line, std::move(field), std::move(message)});
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
        Prepared prepared;
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
    void store(const Prepared& prepared, bool fresh) {
        if (fresh) db.add_document(*prepared.doc);
        else db.replace_document(prepared.id_term, *prepared.doc);
        for (const auto& [word, count] : prepared.spelling) db.add_spelling(word, count);
    }

    IngestReport run(const std::vector<std::string>& inputs, const IngestOptions& options, bool sync) {
        IngestReport report;
        std::unordered_map<std::string, std::size_t> seen;
        std::size_t indexed = 0;
        bool committed = transaction([&] {
            const bool fresh = db.get_doccount() == 0;
            // Two threads: a reader parses, validates and analyses the records (half of the
            // work), this one moves their documents into Xapian, in the order of the input.
            // `report` and `seen` belong to the reader until it has finished.
            Handoff<Prepared> handoff;
            std::exception_ptr reader_failure;
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
                    for (const Prepared& prepared : batch) {
                        if (prepared.doc) {
                            store(prepared, fresh);
                            ++indexed;
                        }
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
            report.indexed = indexed;

            if (sync && (report.errors.empty() || options.skip_invalid)) {
                std::vector<std::string> stale;
                for (auto it = db.allterms_begin(std::string(schema::id)); it != db.allterms_end(std::string(schema::id)); ++it) {
                    std::string id = (*it).substr(schema::id.size());
                    if (!seen.count(id)) stale.push_back(std::move(id));
                }
                for (const auto& id : stale) db.delete_document(schema::term(schema::id, id));
                report.deleted = stale.size();
            }
            if (options.dry_run) return false;
            return report.errors.empty() || options.skip_invalid;
        });
        report.committed = committed;
        if (!committed) {
            if (!options.dry_run) report.indexed = 0;
            report.deleted = 0;
        }
        return report;
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
                    if (issue.line > 0) ++report.read;  // a record that could not be parsed
                    report.errors.push_back(std::move(issue));
                    ++report.rejected;
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
    if (!options.synonyms_path.empty() || fresh) {
        std::string path = options.synonyms_path.empty() ? store::default_synonyms_path() : options.synonyms_path;
        if (!options.synonyms_path.empty() || fs::exists(path)) {
            std::string text = store::read_file(path, "synonyms");
            catalogue.synonyms = Synonyms::parse(text, path, impl->analyzer);
            pending.emplace_back(schema::meta_synonyms, text);
        }
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
            impl_->store(*prepared, false);
            ++report.indexed;
        }
        return true;
    });
    return report;
}

std::size_t Index::remove(const std::vector<std::string>& ids) {
    std::size_t removed = 0;
    impl_->transaction([&] {
        for (const auto& id : ids) {
            std::string id_term = schema::term(schema::id, id);
            if (impl_->db.term_exists(id_term)) {
                impl_->db.delete_document(id_term);
                ++removed;
            }
        }
        return true;
    });
    return removed;
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
