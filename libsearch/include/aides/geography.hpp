#pragma once
/** @file geography.hpp
 *  @brief French administrative geography (COG 2026) and perimeters: which perimeters contain
 *  a commune, which lie inside or around a wider perimeter, commune profiles.
 */
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace aides {

/** @brief Perimeter scales, narrowest first (the order of relevance without text). */
enum class Scale { commune, epci, adhoc, department, region, mainland, overseas, country, continent };

/** @brief The scale's word in `SCALE:CODE` (`commune`, `epci`...). */
std::string_view scale_name(Scale scale);
/** @brief Parses a scale word or an Aides-territoires label (`Département`, `Commune`...). */
std::optional<Scale> parse_scale(std::string_view text);

/** @brief A perimeter `SCALE:CODE`. */
struct Perimeter {
    Scale scale = Scale::country;  ///< default: France
    std::string code = "FRA";      ///< INSEE code, SIREN, department or region code, list name...

    /** @brief `SCALE:CODE`, e.g. `department:29`. */
    std::string to_string() const;
    /** @brief Parses `SCALE:CODE`; nullopt when malformed or the scale is unknown. */
    static std::optional<Perimeter> parse(std::string_view text);
    bool operator==(const Perimeter&) const = default;  ///< same scale and code
    auto operator<=>(const Perimeter&) const = default;  ///< by scale (narrowest first), then code
};

/** @brief A code and its name, e.g. {"29", "Finistère"}. */
struct Place {
    std::string code;  ///< INSEE code, SIREN, department or region code
    std::string name;  ///< its name, accented
    bool operator==(const Place&) const = default;  ///< same code and name
};

/** @brief What the engine knows of a commune (see `aides-search --profile`). */
struct CommuneProfile {
    std::string code;             ///< today's INSEE code
    std::string name;             ///< today's name
    std::int64_t population = 0;  ///< municipal population
    std::optional<Place> epci;  ///< nullopt for the few communes outside any EPCI
    Place department;             ///< its department (or overseas collectivity)
    std::optional<Place> region;  ///< nullopt in the overseas collectivities
    std::string zone;             ///< `mainland` or `overseas`
    std::vector<std::string> postcodes;   ///< sorted
    std::vector<std::string> perimeters;  ///< every perimeter making an aid eligible, narrowest first
    std::string note;  ///< how the input was read when it named the commune otherwise (see CommuneResolution)
};

/** @brief Which commune a user's input was read as (`Geography::resolve`): today's commune, and a
 *  one-line note when the input named it otherwise (a former name or code, a postcode). */
struct CommuneResolution {
    std::string code;  ///< today's INSEE code
    std::string name;  ///< today's name
    Place department;  ///< its department
    std::string note;  ///< empty when the input is the commune's INSEE code or name of today
    bool operator==(const CommuneResolution&) const = default;  ///< field by field
};

/** @brief A former commune or name: `code` and `name` as they were (the name may be empty when
 *  only the code is known), `current` today's commune holding it. */
struct FormerCommune {
    std::string code, name, current;  ///< former code, former name (may be empty), today's code
    bool merged = true;  ///< false: the commune was only renamed
    bool operator==(const FormerCommune&) const = default;   ///< field by field
    auto operator<=>(const FormerCommune&) const = default;  ///< by code, then name, then today's code
};

/** @brief The geography: communes, EPCIs, departments, regions and ad-hoc lists. Immutable once
 *  loaded except for add_adhoc(); copies share the national data. Thread-safe for reading. */
class Geography {
  public:
    /** @brief An empty geography (only the country, continent and zones). */
    Geography();
    ~Geography();  ///< the national data is freed with its last copy
    Geography(const Geography&);             ///< shares the national data, copies the ad-hoc lists
    Geography& operator=(const Geography&);  ///< as the copy constructor
    Geography(Geography&&) noexcept;             ///< the moved-from geography may only be destroyed or assigned
    Geography& operator=(Geography&&) noexcept;  ///< as the move constructor

    /** @brief Reads the compact `geography.tsv` form. @throws DataError naming file and line. */
    static Geography load(const std::string& path);
    /** @brief Parses the compact form held in memory; `source` names it in errors. */
    static Geography parse(std::string_view text, const std::string& source);
    /** @brief Converts the npm `@etalab/decoupage-administratif` data directory (communes.json,
     *  epci.json, departements.json, regions.json), keeping `commune-actuelle` communes; the
     *  delegated and associated communes, `anciensCodes` and the names of older releases
     *  (`former_releases`: data directories of earlier versions of the package) become former
     *  names and codes of today's communes. @throws DataError */
    static Geography from_npm(const std::string& data_dir, const std::vector<std::string>& former_releases = {});
    /** @brief The compact form that load()/parse() read. Ad-hoc lists are not included. */
    std::string serialize() const;

    /** @brief Adds or replaces the ad-hoc perimeter `adhoc:NAME` made of these INSEE codes.
     *  @return the codes that are not communes of the geography (kept anyway). */
    std::vector<std::string> add_adhoc(const std::string& name, std::vector<std::string> codes);
    /** @brief Reads an ad-hoc list: one INSEE code per line (first CSV field also accepted,
     *  `#` comments, a non-code header line skipped). @throws DataError */
    static std::vector<std::string> read_adhoc_file(const std::string& path);
    /** @brief Names of the ad-hoc perimeters, sorted. */
    std::vector<std::string> adhoc_names() const;
    /** @brief Members of an ad-hoc perimeter, sorted; empty when unknown. */
    std::vector<std::string> adhoc_members(const std::string& name) const;
    /** @brief Perimeters inside the ad-hoc perimeter `adhoc:NAME`: its communes (unknown codes
     *  included), then the EPCIs, departments, regions and zones all of whose communes it holds.
     *  Empty when unknown. (Inside a non-ad-hoc perimeter, aids carry its term at index time.) */
    std::vector<Perimeter> inside_adhoc(const std::string& name) const;

    /** @brief Number of communes of today (former ones not counted). */
    std::size_t commune_count() const;
    /** @brief Every commune code, sorted. */
    std::vector<std::string> commune_codes() const;
    /** @brief The profile of a commune by INSEE code; nullopt when unknown. */
    std::optional<CommuneProfile> profile(std::string_view code) const;
    /** @brief Codes of the communes whose name (accent- and case-insensitive) or postcode is `query`. */
    std::vector<std::string> find_communes(std::string_view query) const;
    /** @brief Reads a user's commune: an INSEE code (today's or a former one), a postcode, a name
     *  (today's or a former one) optionally with its department (`Moulins (03)`, `Moulins 03`,
     *  `Moulins, Allier`); `insee:CODE` and `cp:CODE` force one reading of five digits.
     *  Five digits that are both an INSEE code and the postcode of other communes are ambiguous.
     *  @throws UsageError for an unknown commune (with the closest names) or an ambiguous one
     *  (with every reading), naming the input. */
    CommuneResolution resolve(std::string_view query) const;
    /** @brief resolve(query).code. @throws UsageError as resolve(). */
    std::string resolve_commune(std::string_view query) const;
    /** @brief Former codes and names (merged, delegated, associated or renamed communes), sorted. */
    std::vector<FormerCommune> former_communes() const;

    /** @brief True when the perimeter exists (a known code of its scale). */
    bool knows(const Perimeter& perimeter) const;
    /** @brief Human name of a perimeter (`Finistère`), or its code when unknown. */
    std::string name_of(const Perimeter& perimeter) const;
    /** @brief Finds a perimeter by its name at a scale (accent- and case-insensitive). */
    std::optional<Perimeter> find_by_name(Scale scale, std::string_view name) const;

    /** @brief Every perimeter that contains the commune, the commune included: commune, EPCI,
     *  department, region, zone, country, continent, ad-hoc lists. Empty for an unknown code. */
    std::vector<Perimeter> perimeters_of_commune(std::string_view code) const;
    /** @brief Perimeters strictly containing `perimeter`, narrowest first. An EPCI over two
     *  departments gets both (and their regions), as Aides-territoires attaches it. An ad-hoc
     *  perimeter gets those holding all its communes (for a list spread over several regions:
     *  country and continent). Ad-hoc perimeters are never included: they are linked by shared
     *  communes (adhoc_overlapping()). An unknown code gets country and continent. */
    std::vector<Perimeter> ancestors(const Perimeter& perimeter) const;
    /** @brief Ad-hoc perimeters sharing at least one commune with `perimeter`. */
    std::vector<Perimeter> adhoc_overlapping(const Perimeter& perimeter) const;
    /** @brief True when `inner` lies inside `outer` (or equals it), read on communes: an EPCI
     *  over two departments lies in neither, an ad-hoc list lies in a perimeter when all its
     *  communes do. */
    bool contains(const Perimeter& outer, const Perimeter& inner) const;

  private:
    struct Data;
    std::shared_ptr<const Data> data_;
    struct Adhoc;
    std::shared_ptr<Adhoc> adhoc_;
};

}  // namespace aides
