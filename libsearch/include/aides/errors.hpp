#pragma once
/** @file errors.hpp
 *  @brief The exceptions the library throws. Every one derives from aides::Error, itself a
 *  std::runtime_error, so callers need one catch. Xapian and ICU errors never cross the API.
 */
#include <cstddef>
#include <stdexcept>
#include <string>

namespace aides {

/** @brief Base of every library error. */
class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;  ///< an error with this one-line message
};

/** @brief A request the caller got wrong: unknown enum value, unknown commune, bad date...
 *  The CLIs exit 2 on it. value() is the offending input as given. */
class UsageError : public Error {
  public:
    /** @brief @param message one line naming the bad value; @param value the value as given. */
    UsageError(const std::string& message, std::string value = {})
        : Error(message), value_(std::move(value)) {}
    /** @brief The offending input as given; may be empty. */
    const std::string& value() const noexcept { return value_; }

  private:
    std::string value_;
};

/** @brief Bad data in a record or a data file. source() and line() say where (line 0 when
 *  unknown), field() which field. The CLIs exit 1 on it. */
class DataError : public Error {
  public:
    /** @brief @param message what is wrong; @param source the file; @param line its 1-based
     *  line, 0 when unknown; @param field the record's field at fault, empty when none. */
    DataError(const std::string& message, std::string source = {}, std::size_t line = 0,
              std::string field = {})
        : Error(message), source_(std::move(source)), line_(line), field_(std::move(field)) {}
    const std::string& source() const noexcept { return source_; }  ///< the file, may be empty
    std::size_t line() const noexcept { return line_; }              ///< 1-based line, 0 when unknown
    const std::string& field() const noexcept { return field_; }     ///< the field at fault, may be empty

  private:
    std::string source_;
    std::size_t line_;
    std::string field_;
};

/** @brief The index cannot be used: missing, corrupt, of another format version, or I/O. */
class IndexError : public Error {
  public:
    using Error::Error;  ///< an error with this one-line message, naming the index
};

/** @brief Another writer holds the index. */
class IndexLockedError : public IndexError {
  public:
    using IndexError::IndexError;  ///< an error with this one-line message, naming the index
};

}  // namespace aides
