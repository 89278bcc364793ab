#pragma once
// Streams records out of input files, whatever their JSON shape, with their line numbers.
#include <aides/index.hpp>

#include <functional>
#include <istream>

namespace aides::json_io {

using RecordSink = std::function<void(SourcedAid&&)>;
using IssueSink = std::function<void(RecordIssue&&)>;

/** Reads `path` (`-` = stdin): each good record goes to `on_record`, each bad one (or a file
 *  that cannot be read) to `on_issue`, each value accepted with a doubt to `on_warning` (may
 *  be empty). Never throws for bad data. */
void for_each_record(const std::string& path, InputFormat format, const RecordSink& on_record,
                     const IssueSink& on_issue, const IssueSink& on_warning = {});

/** The same as for_each_record, from a stream already open; `path` names it in issues. */
void for_each_record_in(std::istream& in, const std::string& path, InputFormat format, const RecordSink& on_record,
                        const IssueSink& on_issue, const IssueSink& on_warning = {});

/** The id of the first "id" key of the outermost object of a record's text, read without a
 *  parser (the record may be malformed); "" when there is none or it is not plain. */
std::string recover_id(std::string_view text);

}  // namespace aides::json_io
