// _aides: the C++ half of the Python package `aides`. It stays thin: handles over Index,
// Searcher and Geography, the request struct, and JSON strings produced by the library's own
// to_json(), so that the Python objects and the CLI's output are identical by construction.
// The pure-Python package (aides/__init__.py) builds the Pythonic API on top.
#include <aides/aides.hpp>

#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace py = pybind11;

namespace {

// The exception classes, created once at import and kept for the life of the process.
struct ExceptionTypes {
    PyObject* error = nullptr;
    PyObject* usage = nullptr;
    PyObject* data = nullptr;
    PyObject* index = nullptr;
    PyObject* locked = nullptr;
};
ExceptionTypes exception_types;

PyObject* new_exception(py::module_& m, const char* name, const char* doc, PyObject* bases, py::dict attributes) {
    std::string qualified = std::string("aides.") + name;
    PyObject* type = PyErr_NewExceptionWithDoc(qualified.c_str(), doc, bases, attributes.ptr());
    if (!type) throw py::error_already_set();
    m.add_object(name, py::handle(type));  // the module keeps a reference too
    return type;
}

void register_exceptions(py::module_& m) {
    py::dict none;
    exception_types.error = new_exception(m, "Error",
        "Base of every error raised by the aides engine.", PyExc_Exception, none);

    py::dict usage_attributes;
    usage_attributes["value"] = "";
    py::tuple usage_bases = py::make_tuple(py::handle(exception_types.error), py::handle(PyExc_ValueError));
    exception_types.usage = new_exception(m, "UsageError",
        "A request the caller got wrong: unknown commune, enum value, theme or category, bad date,\n"
        "page size out of range... `value` is the offending input as given (may be empty).\n"
        "The CLIs exit 2 on it. Also a ValueError.",
        usage_bases.ptr(), usage_attributes);

    py::dict data_attributes;
    data_attributes["source"] = "";
    data_attributes["line"] = 0;
    data_attributes["field"] = "";
    data_attributes["reason"] = "";
    data_attributes["errors"] = py::list();
    data_attributes["report"] = py::none();
    py::tuple data_bases = py::make_tuple(py::handle(exception_types.error), py::handle(PyExc_ValueError));
    exception_types.data = new_exception(m, "DataError",
        "Bad data in a record or a data file. `source` is the file (or \"record\" for records given\n"
        "to Index.index), `line` the 1-based line or record number (0 when unknown), `field` the\n"
        "field at fault (may be empty) and `reason` the message without the location. When an\n"
        "ingest fails, `errors` lists every rejected record (RecordIssue) and `report` is the\n"
        "IngestReport. Also a ValueError.",
        data_bases.ptr(), data_attributes);

    exception_types.index = new_exception(m, "IndexError",
        "The index cannot be used: missing, corrupt, of another format version, closed, or an I/O\n"
        "error. Not related to the builtin IndexError (and not exported by `from aides import *`).",
        exception_types.error, none);
    exception_types.locked = new_exception(m, "IndexLockedError",
        "Another writer holds the index (one Index per directory at a time).",
        exception_types.index, none);
}

// Sets a Python exception of `type` made from `message`, with extra attributes.
void set_error(PyObject* type, const std::string& message, std::initializer_list<std::pair<const char*, py::object>> attributes) {
    py::object instance = py::reinterpret_borrow<py::object>(type)(message);
    for (const auto& [name, value] : attributes) instance.attr(name) = value;
    PyErr_SetObject(type, instance.ptr());
}

// nlohmann's messages start with "[json.exception.parse_error.101] "; the bracket says nothing to users.
std::string clean_message(std::string message) {
    if (auto at = message.find("[json.exception."); at != std::string::npos) {
        if (auto end = message.find("] ", at); end != std::string::npos) message.erase(at, end + 2 - at);
    }
    return message;
}

std::string located(const std::string& source, std::size_t line, const std::string& field, const std::string& reason) {
    std::string out;
    if (!source.empty()) out += source + (line ? ":" + std::to_string(line) : "") + ": ";
    if (!field.empty()) out += field + ": ";
    return out + reason;
}

void translate(std::exception_ptr pending) {
    try {
        if (pending) std::rethrow_exception(pending);
    } catch (const aides::IndexLockedError& e) {
        set_error(exception_types.locked, e.what(), {});
    } catch (const aides::IndexError& e) {
        set_error(exception_types.index, e.what(), {});
    } catch (const aides::UsageError& e) {
        set_error(exception_types.usage, e.what(), {{"value", py::str(e.value())}});
    } catch (const aides::DataError& e) {
        std::string reason = clean_message(e.what());
        set_error(exception_types.data, located(e.source(), e.line(), e.field(), reason),
              {{"source", py::str(e.source())}, {"line", py::int_(e.line())}, {"field", py::str(e.field())},
               {"reason", py::str(reason)}, {"errors", py::list()}, {"report", py::none()}});
    } catch (const aides::Error& e) {
        set_error(exception_types.error, e.what(), {});
    }
}

// A writable index. The handle is shared so that close() never frees an index another thread
// is writing with; the mutex serialises writers of one handle (aides::Index is not thread-safe).
class PyIndex {
  public:
    PyIndex(const std::string& path, const aides::IndexOptions& options) : path_(path) {
        py::gil_scoped_release release;
        index_ = std::make_shared<aides::Index>(aides::Index::open(path, options));
    }

    template <class F>
    auto with_index(F&& f) {
        std::shared_ptr<aides::Index> index = index_;
        if (!index) throw aides::IndexError(path_ + ": index is closed");
        py::gil_scoped_release release;
        std::lock_guard<std::mutex> lock(*mutex_);
        return f(*index);
    }

    void close() { index_.reset(); }
    bool closed() const { return !index_; }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
    std::shared_ptr<aides::Index> index_;
    std::shared_ptr<std::mutex> mutex_ = std::make_shared<std::mutex>();
};

// Parses records (JSON object texts) with the library's parser, then adds them in one
// transaction. A bad record raises DataError with its 1-based position as the line.
aides::IngestReport add_records(PyIndex& self, const std::vector<std::string>& records) {
    return self.with_index([&](aides::Index& index) {
        std::vector<aides::Aid> aids;
        aids.reserve(records.size());
        for (std::size_t i = 0; i < records.size(); ++i) {
            try {
                aids.push_back(aides::parse_aid(records[i]));
            } catch (const aides::DataError& e) {
                throw aides::DataError(clean_message(e.what()), "record", i + 1, e.field());
            }
        }
        return index.add(aids);
    });
}

class PySearcher {
  public:
    explicit PySearcher(const std::string& path) : path_(path) {
        py::gil_scoped_release release;
        searcher_ = std::make_shared<aides::Searcher>(path);
    }

    // Runs `f` on the searcher without the GIL; several threads may search at once.
    template <class F>
    auto with_searcher(F&& f) const {
        std::shared_ptr<aides::Searcher> searcher = searcher_;
        if (!searcher) throw aides::IndexError(path_ + ": searcher is closed");
        py::gil_scoped_release release;
        return f(*searcher);
    }

    void close() { searcher_.reset(); }
    bool closed() const { return !searcher_; }
    const std::string& path() const { return path_; }

  private:
    std::string path_;
    std::shared_ptr<aides::Searcher> searcher_;
};

aides::Perimeter parse_perimeter(const std::string& text) {
    auto perimeter = aides::Perimeter::parse(text);
    if (!perimeter) throw aides::UsageError("bad perimeter \"" + text + "\" (expected SCALE:CODE, e.g. department:29)", text);
    return *perimeter;
}

std::vector<std::string> perimeter_strings(const std::vector<aides::Perimeter>& perimeters) {
    std::vector<std::string> out;
    out.reserve(perimeters.size());
    for (const auto& p : perimeters) out.push_back(p.to_string());
    return out;
}

}  // namespace

PYBIND11_MODULE(_aides, m) {
    m.doc() = "C++ core of the `aides` package (use the `aides` package, not this module directly).";
    m.attr("__version__") = aides::version;
    m.attr("index_format_version") = aides::index_format_version;

    register_exceptions(m);
    py::register_exception_translator(&translate);

    py::enum_<aides::Order>(m, "Order", "Result order: relevance, deadline (soonest first) or published (newest first).")
        .value("relevance", aides::Order::relevance)
        .value("deadline", aides::Order::deadline)
        .value("published", aides::Order::published);

    py::enum_<aides::InputFormat>(m, "InputFormat", "Input file format: automatic, jsonl, json (array or API page), at_api, at_csv.")
        .value("automatic", aides::InputFormat::automatic)
        .value("jsonl", aides::InputFormat::jsonl)
        .value("json", aides::InputFormat::json)
        .value("at_api", aides::InputFormat::at_api)
        .value("at_csv", aides::InputFormat::at_csv);

    py::class_<aides::RecordIssue>(m, "RecordIssue", "A rejected record or a doubtful value: where, which field, why.")
        .def_readonly("source", &aides::RecordIssue::source, "File name, `-` for stdin, `record` for Index.index().")
        .def_readonly("line", &aides::RecordIssue::line, "1-based line (or record number) of the record.")
        .def_readonly("field", &aides::RecordIssue::field, "The field at fault; empty when the whole record is.")
        .def_readonly("message", &aides::RecordIssue::message)
        .def_readonly("id", &aides::RecordIssue::id, "The record's id when it could be read, even from a malformed record.")
        .def_readonly("whole_file", &aides::RecordIssue::whole_file, "True when the whole file is at fault (never skipped).")
        .def_readonly("kind", &aides::RecordIssue::kind, "For a concern: its kind; empty otherwise.")
        .def("__str__", &aides::RecordIssue::to_string)
        .def("__repr__", [](const aides::RecordIssue& issue) { return "<RecordIssue " + issue.to_string() + ">"; });

    py::class_<aides::RecordConcern>(m, "RecordConcern", "Accepted records a search may miss, counted per kind.")
        .def_readonly("kind", &aides::RecordConcern::kind, "no-audience, national-by-default, perimeter-inferred, perimeter-not-inferred.")
        .def_readonly("summary", &aides::RecordConcern::summary)
        .def_readonly("count", &aides::RecordConcern::count)
        .def_readonly("first", &aides::RecordConcern::first, "The first records concerned (at most 5).")
        .def("__repr__", [](const aides::RecordConcern& c) { return "<RecordConcern " + c.summary + ">"; });

    py::class_<aides::IngestReport>(m, "IngestReport", "What an ingest did. read == valid + rejected.")
        .def_readonly("read", &aides::IngestReport::read, "Records read.")
        .def_readonly("valid", &aides::IngestReport::valid, "Records that passed validation.")
        .def_readonly("refusal", &aides::IngestReport::refusal, "Why nothing was written although asked (a refused sync...).")
        .def_readonly("added_ids", &aides::IngestReport::added_ids, "Ids new to the index (written, or would be).")
        .def_readonly("replaced_ids", &aides::IngestReport::replaced_ids, "Ids replaced (written, or would be).")
        .def_readonly("removed_ids", &aides::IngestReport::removed_ids, "sync(): ids removed (or that would be).")
        .def_readonly("concerns", &aides::IngestReport::concerns, "Accepted records a search may miss, per kind.")
        .def_readonly("indexed", &aides::IngestReport::indexed, "Records added or replaced (0 when nothing was committed).")
        .def_readonly("rejected", &aides::IngestReport::rejected, "Bad records.")
        .def_readonly("deleted", &aides::IngestReport::deleted, "Ids removed by sync().")
        .def_readonly("committed", &aides::IngestReport::committed, "False when nothing was written.")
        .def_readonly("errors", &aides::IngestReport::errors, "The rejected records, as RecordIssue.")
        .def_readonly("warnings", &aides::IngestReport::warnings, "Records accepted with a doubt (unknown commune code...).")
        .def("__repr__", [](const aides::IngestReport& r) {
            return "<IngestReport read=" + std::to_string(r.read) + " indexed=" + std::to_string(r.indexed) +
                   " rejected=" + std::to_string(r.rejected) + " deleted=" + std::to_string(r.deleted) +
                   " committed=" + (r.committed ? "True" : "False") + ">";
        });

    py::class_<aides::IndexOptions>(m, "IndexOptions")
        .def(py::init<>())
        .def_readwrite("geography_path", &aides::IndexOptions::geography_path)
        .def_readwrite("taxonomy_path", &aides::IndexOptions::taxonomy_path)
        .def_readwrite("synonyms_path", &aides::IndexOptions::synonyms_path)
        .def_readwrite("adhoc", &aides::IndexOptions::adhoc);

    // Held by shared pointer: a portal loaded once is shared by every request that names it.
    py::class_<aides::Portal, std::shared_ptr<aides::Portal>>(m, "Portal",
        "A portal read once from its JSON file (base filters, highlighted and excluded aid ids); "
        "pass it as Searcher.search(portal=...) to every search in it.")
        .def_static("load", [](const std::filesystem::path& path) {
            py::gil_scoped_release release;
            return std::make_shared<aides::Portal>(aides::Portal::load(path.string()));
        }, py::arg("path"), "Reads a portal file (a str or a path). @raises UsageError naming the file.")
        .def_readonly("name", &aides::Portal::name)
        .def_readonly("programs", &aides::Portal::programs)
        .def_readonly("themes", &aides::Portal::themes)
        .def_readonly("categories", &aides::Portal::categories)
        .def_readonly("audiences", &aides::Portal::audiences)
        .def_readonly("aid_types", &aides::Portal::aid_types)
        .def_readonly("steps", &aides::Portal::steps)
        .def_readonly("destinations", &aides::Portal::destinations)
        .def_readonly("backers", &aides::Portal::backers)
        .def_readonly("recurrences", &aides::Portal::recurrences)
        .def_readonly("perimeter", &aides::Portal::perimeter)
        .def_readonly("highlighted", &aides::Portal::highlighted)
        .def_readonly("excluded", &aides::Portal::excluded)
        .def("__repr__", [](const aides::Portal& p) { return "<aides.Portal " + (p.name.empty() ? std::string("(unnamed)") : p.name) + ">"; });

    py::class_<aides::SearchRequest>(m, "SearchRequest", "The library's search request (see aides.Searcher.search).")
        .def(py::init<>())
        .def_readwrite("text", &aides::SearchRequest::text)
        .def_readwrite("commune", &aides::SearchRequest::commune)
        .def_readwrite("perimeter", &aides::SearchRequest::perimeter)
        .def_readwrite("audiences", &aides::SearchRequest::audiences)
        .def_readwrite("themes", &aides::SearchRequest::themes)
        .def_readwrite("categories", &aides::SearchRequest::categories)
        .def_readwrite("aid_types", &aides::SearchRequest::aid_types)
        .def_readwrite("steps", &aides::SearchRequest::steps)
        .def_readwrite("destinations", &aides::SearchRequest::destinations)
        .def_readwrite("programs", &aides::SearchRequest::programs)
        .def_readwrite("backers", &aides::SearchRequest::backers)
        .def_readwrite("recurrences", &aides::SearchRequest::recurrences)
        .def_readwrite("call_for_projects", &aides::SearchRequest::call_for_projects)
        .def_readwrite("is_charged", &aides::SearchRequest::is_charged)
        .def_readwrite("apply_before", &aides::SearchRequest::apply_before)
        .def_readwrite("published_after", &aides::SearchRequest::published_after)
        .def_readwrite("today", &aides::SearchRequest::today)
        .def_readwrite("include_expired", &aides::SearchRequest::include_expired)
        .def_readwrite("order", &aides::SearchRequest::order)
        .def_readwrite("page", &aides::SearchRequest::page)
        .def_readwrite("size", &aides::SearchRequest::size)
        .def_readwrite("facets", &aides::SearchRequest::facets)
        .def_readwrite("explain", &aides::SearchRequest::explain)
        .def_readwrite("snippets", &aides::SearchRequest::snippets)
        .def_readwrite("strict", &aides::SearchRequest::strict)
        .def_property("execution",
            [](const aides::SearchRequest& r) { return aides::to_string(r.execution); },
            [](aides::SearchRequest& r, const std::string& name) {
                auto execution = aides::parse_execution(name);
                if (!execution) throw aides::UsageError("unknown execution \"" + name + "\" (expected auto, xapian or memory)", name);
                r.execution = *execution;
            })
        .def_readwrite("like", &aides::SearchRequest::like)
        .def_property("portal",
            [](const aides::SearchRequest& r) { return std::const_pointer_cast<aides::Portal>(r.portal); },
            [](aides::SearchRequest& r, std::shared_ptr<aides::Portal> portal) { r.portal = std::move(portal); });

    py::class_<PyIndex>(m, "Index", "A writable index handle (see aides.Index).")
        .def(py::init<const std::string&, const aides::IndexOptions&>(), py::arg("path"), py::arg("options"))
        .def("ingest",
             [](PyIndex& self, const std::vector<std::string>& inputs, aides::InputFormat format, bool skip_invalid,
                bool dry_run) {
                 aides::IngestOptions options;
                 options.format = format;
                 options.skip_invalid = skip_invalid;
                 options.dry_run = dry_run;
                 return self.with_index([&](aides::Index& index) { return index.ingest(inputs, options); });
             },
             py::arg("inputs"), py::arg("format"), py::arg("skip_invalid"), py::arg("dry_run"))
        .def("sync",
             [](PyIndex& self, const std::vector<std::string>& inputs, aides::InputFormat format, bool skip_invalid,
                bool dry_run, const std::string& max_removals) {
                 aides::IngestOptions options;
                 options.format = format;
                 options.skip_invalid = skip_invalid;
                 options.dry_run = dry_run;
                 options.max_removals = aides::RemovalLimit::parse(max_removals);
                 return self.with_index([&](aides::Index& index) { return index.sync(inputs, options); });
             },
             py::arg("inputs"), py::arg("format"), py::arg("skip_invalid"), py::arg("dry_run"), py::arg("max_removals"))
        .def("add_records", &add_records, py::arg("records"),
             "Parses JSON object texts and adds them in one transaction. @raises DataError")
        .def("remove",
             [](PyIndex& self, const std::vector<std::string>& ids) {
                 aides::RemovalReport removal = self.with_index([&](aides::Index& index) { return index.remove(ids); });
                 return py::make_tuple(removal.removed, removal.not_found);
             },
             py::arg("ids"), "Removes ids in one transaction: (removed, not_found).")
        .def("compact", [](PyIndex& self) { self.with_index([](aides::Index& index) { index.compact(); }); })
        .def("size", [](PyIndex& self) { return self.with_index([](aides::Index& index) { return index.size(); }); })
        .def("ids", [](PyIndex& self) { return self.with_index([](aides::Index& index) { return index.ids(); }); })
        .def("close", &PyIndex::close, "Releases the index and its write lock (waits for nothing).")
        .def_property_readonly("closed", &PyIndex::closed)
        .def_property_readonly("path", &PyIndex::path);

    py::class_<aides::Geography>(m, "Geography", "The geography held by an index (see aides.Geography).")
        .def_static("load", [](const std::string& path) {
            py::gil_scoped_release release;
            return aides::Geography::load(path);
        }, py::arg("path"))
        .def("commune_count", &aides::Geography::commune_count)
        .def("commune_codes", &aides::Geography::commune_codes)
        .def("profile_json", [](const aides::Geography& g, const std::string& code) -> std::optional<std::string> {
            auto profile = g.profile(code);
            if (!profile) return std::nullopt;
            return aides::to_json(*profile);
        }, py::arg("code"))
        .def("find_communes", &aides::Geography::find_communes, py::arg("query"))
        .def("resolve_commune", &aides::Geography::resolve_commune, py::arg("query"))
        .def("resolve_json", [](const aides::Geography& g, const std::string& query) { return aides::to_json(g.resolve(query)); },
             py::arg("query"))
        .def("knows", [](const aides::Geography& g, const std::string& p) { return g.knows(parse_perimeter(p)); }, py::arg("perimeter"))
        .def("name_of", [](const aides::Geography& g, const std::string& p) { return g.name_of(parse_perimeter(p)); }, py::arg("perimeter"))
        .def("find_by_name", [](const aides::Geography& g, const std::string& scale, const std::string& name) -> std::optional<std::string> {
            auto parsed = aides::parse_scale(scale);
            if (!parsed) throw aides::UsageError("unknown perimeter scale \"" + scale + "\"", scale);
            auto found = g.find_by_name(*parsed, name);
            if (!found) return std::nullopt;
            return found->to_string();
        }, py::arg("scale"), py::arg("name"))
        .def("perimeters_of_commune", [](const aides::Geography& g, const std::string& code) {
            return perimeter_strings(g.perimeters_of_commune(code));
        }, py::arg("code"))
        .def("ancestors", [](const aides::Geography& g, const std::string& p) {
            return perimeter_strings(g.ancestors(parse_perimeter(p)));
        }, py::arg("perimeter"))
        .def("adhoc_overlapping", [](const aides::Geography& g, const std::string& p) {
            return perimeter_strings(g.adhoc_overlapping(parse_perimeter(p)));
        }, py::arg("perimeter"))
        .def("contains", [](const aides::Geography& g, const std::string& outer, const std::string& inner) {
            return g.contains(parse_perimeter(outer), parse_perimeter(inner));
        }, py::arg("outer"), py::arg("inner"))
        .def("adhoc_names", &aides::Geography::adhoc_names)
        .def("adhoc_members", &aides::Geography::adhoc_members, py::arg("name"));

    py::class_<PySearcher>(m, "Searcher", "A read-only index handle (see aides.Searcher).")
        .def(py::init<const std::string&>(), py::arg("path"))
        .def("search_json", [](const PySearcher& self, const aides::SearchRequest& request) {
            // Searching and serialising both run without the GIL.
            return self.with_searcher([&](const aides::Searcher& s) {
                return aides::to_json(s.search(request));
            });
        }, py::arg("request"), "The response as the contract's JSON (what `aides-search --format json` prints).")
        .def("profile_json", [](const PySearcher& self, const std::string& commune) {
            return self.with_searcher([&](const aides::Searcher& s) { return aides::to_json(s.profile(commune)); });
        }, py::arg("commune"))
        .def("get_json", [](const PySearcher& self, const std::string& id) {
            return self.with_searcher([&](const aides::Searcher& s) -> std::optional<std::string> {
                auto aid = s.get(id);
                if (!aid) return std::nullopt;
                return aides::to_json(*aid);
            });
        }, py::arg("id"))
        .def("size", [](const PySearcher& self) { return self.with_searcher([](const aides::Searcher& s) { return s.size(); }); })
        .def("geography", [](const PySearcher& self) {
            return self.with_searcher([](const aides::Searcher& s) { return s.geography(); });
        }, "A copy of the index's geography (copies share the national data).")
        .def("close", &PySearcher::close)
        .def_property_readonly("closed", &PySearcher::closed)
        .def_property_readonly("path", &PySearcher::path);
}
