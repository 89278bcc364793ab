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
    using std::runtime_error::runtime_error;
};

/** @brief A request the caller got wrong: unknown enum value, unknown commune, bad date...
 *  The CLIs exit 2 on it. value() is the offending input as given. */
class UsageError : public Error {
  public:
    UsageError(const std::string& message, std::string value = {})
        : Error(message), value_(std::move(value)) {}
    const std::string& value() const noexcept { return value_; }

  private:
    std::string value_;
};

/** @brief Bad data in a record or a data file. source() and line() say where (line 0 when
 *  unknown), field() which field. The CLIs exit 1 on it. */
class DataError : public Error {
  public:
    DataError(const std::string& message, std::string source = {}, std::size_t line = 0,
              std::string field = {})
        : Error(message), source_(std::move(source)), line_(line), field_(std::move(field)) {}
    const std::string& source() const noexcept { return source_; }
    std::size_t line() const noexcept { return line_; }
    const std::string& field() const noexcept { return field_; }

  private:
    std::string source_;
    std::size_t line_;
    std::string field_;
};

/** @brief The index cannot be used: missing, corrupt, of another format version, or I/O. */
class IndexError : public Error {
  public:
    using Error::Error;
};

/** @brief Another writer holds the index. */
class IndexLockedError : public IndexError {
  public:
    using IndexError::IndexError;
};

}  // namespace aides
