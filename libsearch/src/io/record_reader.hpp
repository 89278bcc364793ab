#pragma once
// Streams records out of input files, whatever their JSON shape, with their line numbers.
#include <aides/index.hpp>

#include <functional>

namespace aides::json_io {

using RecordSink = std::function<void(SourcedAid&&)>;
using IssueSink = std::function<void(RecordIssue&&)>;

/** Reads `path` (`-` = stdin): each good record goes to `on_record`, each bad one (or a file
 *  that cannot be read) to `on_issue`, each value accepted with a doubt to `on_warning` (may
 *  be empty). Never throws for bad data. */
void for_each_record(const std::string& path, InputFormat format, const RecordSink& on_record,
                     const IssueSink& on_issue, const IssueSink& on_warning = {});

}  // namespace aides::json_io
