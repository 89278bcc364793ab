#include "index/stored_record.hpp"

#include <aides/errors.hpp>

#include <cstdint>

namespace aides::stored {
namespace {

constexpr char format_byte = '\x01';

class Writer {
  public:
    explicit Writer(std::string& out) : out_(out) {}
    void number(std::uint64_t n) {
        while (n >= 0x80) {
            out_ += static_cast<char>((n & 0x7F) | 0x80);
            n >>= 7;
        }
        out_ += static_cast<char>(n);
    }
    void signed_number(long long n) {
        auto u = static_cast<std::uint64_t>(n);
        number((u << 1) ^ (n < 0 ? ~std::uint64_t{0} : 0));
    }
    void text(const std::string& s) {
        number(s.size());
        out_ += s;
    }
    void list(const std::vector<std::string>& items) {
        number(items.size());
        for (const auto& item : items) text(item);
    }
    void maybe(const std::optional<std::string>& s) {
        out_ += s ? '\1' : '\0';
        if (s) text(*s);
    }
    template <typename Int>
    void maybe(const std::optional<Int>& n) {
        out_ += n ? '\1' : '\0';
        if (n) signed_number(*n);
    }

  private:
    std::string& out_;
};

class Reader {
  public:
    explicit Reader(std::string_view in) : in_(in) {}
    std::uint64_t number() {
        std::uint64_t n = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            auto byte = static_cast<unsigned char>(next());
            n |= static_cast<std::uint64_t>(byte & 0x7F) << shift;
            if (!(byte & 0x80)) return n;
        }
        damaged();
    }
    long long signed_number() {
        std::uint64_t u = number();
        return static_cast<long long>((u >> 1) ^ (~(u & 1) + 1));
    }
    std::string text() {
        std::uint64_t size = number();
        if (size > in_.size() - at_) damaged();
        std::string out(in_.substr(at_, size));
        at_ += size;
        return out;
    }
    std::vector<std::string> list() {
        std::uint64_t count = number();
        if (count > in_.size() - at_) damaged();  // each item takes at least one byte
        std::vector<std::string> items;
        items.reserve(count);
        for (std::uint64_t i = 0; i < count; ++i) items.push_back(text());
        return items;
    }
    bool present() {
        char flag = next();
        if (flag != '\0' && flag != '\1') damaged();
        return flag == '\1';
    }
    std::optional<std::string> maybe_text() {
        if (!present()) return std::nullopt;
        return text();
    }
    std::optional<long long> maybe_number() {
        if (!present()) return std::nullopt;
        return signed_number();
    }
    char next() {
        if (at_ >= in_.size()) damaged();
        return in_[at_++];
    }
    bool done() const { return at_ == in_.size(); }
    [[noreturn]] static void damaged() { throw IndexError("damaged record in the index (run xapian-check, or rebuild the index)"); }

  private:
    std::string_view in_;
    std::size_t at_ = 0;
};

}  // namespace

std::string encode(const Aid& aid) {
    std::string out;
    out.reserve(64 + aid.name.size() + aid.description.size() + aid.eligibility.size() + aid.project_examples.size());
    out += format_byte;
    Writer w(out);
    w.text(aid.id);
    for (const std::string* s : {&aid.slug, &aid.url, &aid.name, &aid.name_initial, &aid.short_title, &aid.description,
                                 &aid.eligibility, &aid.project_examples})
        w.text(*s);
    for (const auto* list : {&aid.financers, &aid.instructors, &aid.programs, &aid.categories, &aid.targeted_audiences,
                             &aid.aid_types, &aid.mobilization_steps, &aid.destinations})
        w.list(*list);
    w.text(aid.recurrence);
    out += static_cast<char>((aid.is_call_for_project ? 1 : 0) | (aid.is_charged ? 2 : 0));
    w.text(aid.perimeter);
    w.maybe(aid.start_date);
    w.maybe(aid.predeposit_date);
    w.maybe(aid.submission_deadline);
    w.maybe(aid.subvention_rate_lower_bound);
    w.maybe(aid.subvention_rate_upper_bound);
    w.maybe(aid.loan_amount);
    w.maybe(aid.recoverable_advance_amount);
    w.text(aid.date_published);
    w.text(aid.date_updated);
    w.text(aid.status);
    w.maybe(aid.generic_aid);
    return out;
}

Aid decode(std::string_view bytes) {
    Reader r(bytes);
    if (r.next() != format_byte) Reader::damaged();
    Aid aid;
    aid.id = r.text();
    for (std::string* s : {&aid.slug, &aid.url, &aid.name, &aid.name_initial, &aid.short_title, &aid.description,
                           &aid.eligibility, &aid.project_examples})
        *s = r.text();
    for (auto* list : {&aid.financers, &aid.instructors, &aid.programs, &aid.categories, &aid.targeted_audiences,
                       &aid.aid_types, &aid.mobilization_steps, &aid.destinations})
        *list = r.list();
    aid.recurrence = r.text();
    char flags = r.next();
    if (flags & ~3) Reader::damaged();
    aid.is_call_for_project = flags & 1;
    aid.is_charged = flags & 2;
    aid.perimeter = r.text();
    aid.start_date = r.maybe_text();
    aid.predeposit_date = r.maybe_text();
    aid.submission_deadline = r.maybe_text();
    auto rate = [&]() -> std::optional<int> {
        auto n = r.maybe_number();
        if (n && (*n < -1000000 || *n > 1000000)) Reader::damaged();
        return n ? std::optional<int>(static_cast<int>(*n)) : std::nullopt;
    };
    aid.subvention_rate_lower_bound = rate();
    aid.subvention_rate_upper_bound = rate();
    aid.loan_amount = r.maybe_number();
    aid.recoverable_advance_amount = r.maybe_number();
    aid.date_published = r.text();
    aid.date_updated = r.text();
    aid.status = r.text();
    aid.generic_aid = r.maybe_text();
    if (!r.done()) Reader::damaged();
    return aid;
}

std::string stored_id(std::string_view bytes) {
    Reader r(bytes);
    if (r.next() != format_byte) Reader::damaged();
    return r.text();
}

}  // namespace aides::stored
