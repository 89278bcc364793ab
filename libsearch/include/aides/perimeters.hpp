#pragma once
/** @file perimeters.hpp
 *  @brief Perimeter autocomplete: the perimeters whose name, postcode or code begins with what
 *  a person has typed so far (`landern`, `29800`, `Finis`...), for search forms.
 */
#include <aides/geography.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace aides {

/** @brief One perimeter offered by the autocomplete. */
struct PerimeterSuggestion {
    std::string id;     ///< `SCALE:CODE`, e.g. `commune:29103`
    std::string name;   ///< e.g. `Landerneau`
    std::string scale;  ///< scale word of `id`: `commune`, `epci`, `department`, `region`, `adhoc`
    std::vector<std::string> zipcodes;  ///< a commune's postcodes; empty for other scales
    std::string department;             ///< a commune's or an EPCI's department code; empty otherwise
    std::int64_t population = 0;        ///< a commune's population; 0 for other scales
};

/** @brief Finds perimeters by the start of their name or code. Built once from a geography
 *  (about 35,000 communes: some 30 ms and a few MB); find() is thread-safe. */
class PerimeterFinder {
  public:
    /** @brief Indexes the communes, EPCIs, departments, regions and ad-hoc lists of `geography`. */
    explicit PerimeterFinder(const Geography& geography);
    ~PerimeterFinder();  ///< frees the finder's tables
    PerimeterFinder(PerimeterFinder&&) noexcept;             ///< the moved-from finder may only be destroyed or assigned
    PerimeterFinder& operator=(PerimeterFinder&&) noexcept;  ///< as the move constructor

    /** @brief At most `limit` perimeters for `query`, best first.
     *
     *  Digits match INSEE codes and postcodes of communes (`29103`, `298` -> communes of
     *  postcodes 298xx) and department codes; words match the start of any word of a name,
     *  accent-, case- and hyphen-insensitively (`st pol` finds nothing, `saint pol` finds
     *  Saint-Pol-de-Léon). Order: whole name equal to the query, then name starting with it,
     *  then a later word starting with it; within each, regions, departments, EPCIs and ad-hoc
     *  lists before communes, and communes by population. An empty query finds nothing. */
    std::vector<PerimeterSuggestion> find(std::string_view query, std::size_t limit = 10) const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace aides
