#include "model/dates.hpp"

#include <cctype>
#include <ctime>

namespace aides::dates {

bool valid(std::string_view date) {
    if (date.size() != 10 || date[4] != '-' || date[7] != '-') return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9})
        if (!std::isdigit(static_cast<unsigned char>(date[i]))) return false;
    int year = std::stoi(std::string(date.substr(0, 4)));
    int month = std::stoi(std::string(date.substr(5, 2)));
    int day = std::stoi(std::string(date.substr(8, 2)));
    if (year < 1900 || month < 1 || month > 12 || day < 1) return false;
    static constexpr int days_in_month[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    int last = days_in_month[month - 1] + (month == 2 && leap ? 1 : 0);
    return day <= last;
}

std::optional<std::string> date_part(std::string_view iso) {
    if (iso.size() < 10) return std::nullopt;
    std::string_view head = iso.substr(0, 10);
    if (!valid(head)) return std::nullopt;
    if (iso.size() > 10 && iso[10] != 'T' && iso[10] != ' ') return std::nullopt;
    return std::string(head);
}

std::string today() {
    std::time_t now = std::time(nullptr);
    std::tm local{};
    localtime_r(&now, &local);
    char buffer[11];
    std::strftime(buffer, sizeof buffer, "%Y-%m-%d", &local);
    return buffer;
}

}  // namespace aides::dates
