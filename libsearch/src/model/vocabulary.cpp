#include "model/vocabulary.hpp"

#include <aides/aid.hpp>
#include <aides/analysis.hpp>

#include <algorithm>
#include <map>

#include "analysis/text_utils.hpp"

namespace aides::vocabulary {
namespace {

// Folded, apostrophes unified, blanks collapsed, no blanks around `|`.
std::string label_key(std::string_view text) {
    thread_local Analyzer analyzer;
    std::string folded = analyzer.fold(text::trim(text));
    std::string out;
    for (std::size_t i = 0; i < folded.size(); ++i) {
        char c = folded[i];
        if (folded.compare(i, 3, "\xE2\x80\x99") == 0) {  // ’
            out += '\'';
            i += 2;
            continue;
        }
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            if (!out.empty() && out.back() != ' ' && out.back() != '|') out += ' ';
            continue;
        }
        if (c == '|' && !out.empty() && out.back() == ' ') out.pop_back();
        out += c;
    }
    while (!out.empty() && out.back() == ' ') out.pop_back();
    return out;
}

struct Entry {
    std::string_view value;
    std::vector<std::string_view> labels;  // Aides-territoires labels, old and new
};

const std::vector<Entry>& entries(Kind kind) {
    static const std::vector<Entry> audiences = {
        {"commune", {"Communes", "Commune"}},
        {"epci", {"Intercommunalités / Pays", "Intercommunalités", "EPCI", "EPCI à fiscalité propre"}},
        {"department", {"Départements", "Département"}},
        {"region", {"Régions", "Région"}},
        {"special", {"Collectivités d'outre-mer à statuts particuliers", "Collectivité d'outre-mer à statut particulier"}},
        {"association", {"Associations", "Association"}},
        {"private_person", {"Particuliers", "Particulier"}},
        {"farmer", {"Agriculteurs", "Agriculteur"}},
        {"private_sector", {"Entreprises privées", "Entreprise privée", "Entreprises"}},
        {"public_cies", {"Entreprises publiques locales (Sem, Spl, SemOp)", "Entreprises publiques locales"}},
        {"public_org", {"Établissements publics (écoles, bibliothèques…) / Services de l'État",
                        "Établissements publics / Services de l'État", "Établissements publics",
                        "Établissements publics (écoles, bibliothèques…)", "Établissement public"}},
        {"researcher", {"Recherche", "Chercheurs"}},
    };
    static const std::vector<Entry> aid_types = {
        {"grant", {"Subvention"}},
        {"loan", {"Prêt"}},
        {"recoverable_advance", {"Avance récupérable"}},
        {"cee", {"Certificat d'économie d'énergie (CEE)", "Certificat d'économie d'énergie", "CEE"}},
        {"other", {"Autre aide financière", "Autre"}},
        {"technical_engineering", {"Ingénierie technique"}},
        {"financial_engineering", {"Ingénierie financière"}},
        {"legal_engineering", {"Ingénierie Juridique / administrative", "Ingénierie juridique"}},
    };
    static const std::vector<Entry> steps = {
        {"preop", {"Réflexion / conception", "Réflexion"}},
        {"op", {"Mise en œuvre / réalisation", "Mise en œuvre"}},
        {"postop", {"Usage / valorisation", "Usage"}},
    };
    static const std::vector<Entry> destinations = {
        {"supply", {"Dépenses de fonctionnement", "Fonctionnement"}},
        {"investment", {"Dépenses d'investissement", "Investissement"}},
    };
    static const std::vector<Entry> recurrences = {
        {"oneoff", {"Ponctuelle"}},
        {"ongoing", {"Permanente"}},
        {"recurring", {"Récurrente"}},
    };
    static const std::vector<Entry> statuses = {
        {"published", {"Publiée"}}, {"draft", {"Brouillon"}}, {"reviewable", {"En revue"}},
        {"deleted", {"Supprimée"}}, {"merged", {"Fusionnée"}},
    };
    switch (kind) {
        case Kind::audience: return audiences;
        case Kind::aid_type: return aid_types;
        case Kind::step: return steps;
        case Kind::destination: return destinations;
        case Kind::recurrence: return recurrences;
        case Kind::status: return statuses;
    }
    return statuses;
}

// Folded label -> machine value, per kind; built once.
const std::map<std::string, std::string>& folded_labels(Kind kind) {
    static const auto tables = [] {
        std::map<Kind, std::map<std::string, std::string>> all;
        for (Kind k : {Kind::audience, Kind::aid_type, Kind::step, Kind::destination,
                       Kind::recurrence, Kind::status}) {
            for (const Entry& entry : entries(k))
                for (std::string_view label : entry.labels)
                    all[k][label_key(label)] = std::string(entry.value);
        }
        return all;
    }();
    return tables.at(kind);
}


// ---------------------------------------------------------------------------------------------
// Aides-territoires categories -> categories of the shipped taxonomy. Aides-territoires labels
// its categories `Theme|Category` (API up to v1.6) or `Theme / Category` (newer API); the same
// category name may sit under several themes. An entry with an empty theme applies under any
// theme; an entry with a theme overrides it there. Labels not in this table are left as given:
// the taxonomy resolves its own slugs and labels, and rejects the rest with the label named.
// The mapping is ours (the two taxonomies differ): the closest category of corpus/taxonomy.json.

struct AtCategory {
    std::string_view theme;  // empty: any theme
    std::string_view category;
    std::string_view slug;
};

constexpr std::string_view at_themes[] = {
    "Culture et identité collective / patrimoine / sports",
    "Développement économique / production et consommation",
    "Eau et milieux aquatiques",
    "Énergies / Déchets",
    "Fonctions support",
    "Mobilité / transports",
    "Nature / environnement",
    "Nature / environnement / risques",
    "Numérique",
    "Solidarités / lien social",
    "Urbanisme / logement / aménagement",
};

constexpr AtCategory at_categories[] = {
    // Culture et identité collective / patrimoine / sports
    {"", "Arts plastiques et photographie", "spectacle-vivant-arts"},
    {"", "Bibliothèques et livres", "bibliotheques-lecture"},
    {"", "Culture et identité collective", "spectacle-vivant-arts"},
    {"", "Education et renforcement des compétences", "jeunesse-engagement"},
    {"Développement économique / production et consommation", "Education et renforcement des compétences", "emploi-insertion"},
    {"", "Musée", "musees-expositions"},
    {"", "Musées", "musees-expositions"},
    {"", "Médias et communication", "spectacle-vivant-arts"},
    {"", "Patrimoine et monuments historiques", "patrimoine-monuments"},
    {"", "Spectacle vivant", "spectacle-vivant-arts"},
    {"", "Sports et loisirs", "equipements-sportifs"},
    {"", "Tourisme", "tourisme"},
    // Développement économique / production et consommation
    {"", "Agriculture et agroalimentaire", "agriculture-alimentation"},
    {"", "Artisanat", "commerce-proximite"},
    {"", "Attractivité économique", "entreprises-industrie"},
    {"", "Commerces et services", "commerce-proximite"},
    {"", "Consommation et production", "economie-circulaire-dechets"},
    {"", "Economie circulaire", "economie-circulaire-dechets"},
    {"", "Economie locale et circuits courts", "agriculture-alimentation"},
    {"", "Economie sociale et solidaire", "economie-sociale-solidaire"},
    {"", "Emploi", "emploi-insertion"},
    {"", "Formation professionnelle", "emploi-insertion"},
    {"", "Industrie", "entreprises-industrie"},
    {"", "Innovation, créativité et recherche", "entreprises-industrie"},
    {"", "International", "cooperation-territoriale"},
    {"", "Revitalisation", "revitalisation-centre-bourg"},
    {"", "Technologies numériques et numérisation", "services-numeriques"},
    {"", "Tiers-lieux", "tiers-lieux"},
    // Eau et milieux aquatiques
    {"", "Assainissement des eaux", "assainissement-eaux-pluviales"},
    {"", "Cours d'eau / canaux / plans d'eau", "cours-eau-zones-humides"},
    {"", "Eau potable", "eau-potable"},
    {"", "Eaux pluviales", "assainissement-eaux-pluviales"},
    {"", "Mers et océans", "littoral-mer"},
    {"", "Milieux humides", "cours-eau-zones-humides"},
    // Énergies / Déchets
    {"", "Economie d'énergie et rénovation énergétique", "renovation-energetique-batiments"},
    {"", "Énergies / Déchets", "energies-renouvelables"},
    {"", "Énergies renouvelables", "energies-renouvelables"},
    {"", "Recyclage et valorisation des déchets", "economie-circulaire-dechets"},
    {"", "Réduction de l'empreinte carbone", "adaptation-changement-climatique"},
    {"", "Réseaux de chaleur", "energies-renouvelables"},
    {"", "Transition énergétique", "energies-renouvelables"},
    // Fonctions support
    {"", "Appui méthodologique", "etudes-diagnostics"},
    {"", "Financement", "finances-locales"},
    {"", "Formation", "formation-elus-agents"},
    // Mobilité / transports
    {"", "Connaissance de la mobilité", "transports-collectifs"},
    {"", "Information voyageur, billettique multimodale", "transports-collectifs"},
    {"", "Logistique urbaine", "voirie-securite-routiere"},
    {"", "Mobilité partagée", "mobilites-partagees"},
    {"", "Mobilité pour tous", "mobilites-partagees"},
    {"", "Modes actifs : vélo, marche et aménagements associés", "mobilite-douce"},
    {"", "Transports collectifs et optimisation des trafics routiers", "transports-collectifs"},
    // Nature / environnement
    {"", "Biodiversité", "biodiversite"},
    {"", "Forêts", "agriculture-alimentation"},
    {"", "Qualité de l'air", "adaptation-changement-climatique"},
    {"", "Risques naturels", "risques-naturels"},
    {"", "Sols", "friches-foncier"},
    // Solidarités / lien social
    {"", "Accès aux services", "france-services"},
    {"", "Alimentation", "agriculture-alimentation"},
    {"", "Citoyenneté", "participation-citoyenne"},
    {"", "Cohésion sociale et inclusion", "action-sociale"},
    {"", "Egalité des chances", "action-sociale"},
    {"", "Famille et enfance", "petite-enfance"},
    {"", "Handicap", "autonomie-handicap"},
    {"", "Inclusion numérique", "inclusion-numerique"},
    {"", "Jeunesse", "jeunesse-engagement"},
    {"", "Lutte contre la précarité", "action-sociale"},
    {"", "Santé", "sante-acces-aux-soins"},
    // Urbanisme / logement / aménagement
    {"", "Accessibilité", "accessibilite"},
    {"", "Architecture", "planification-urbanisme"},
    {"", "Bâtiments et construction", "batiments-communaux"},
    {"", "Cimetières et funéraire", "batiments-communaux"},
    {"", "Equipement public", "batiments-communaux"},
    {"", "Espace public", "espaces-publics"},
    {"", "Espaces verts", "renaturation-espaces-verts"},
    {"", "Foncier", "friches-foncier"},
    {"", "Friche", "friches-foncier"},
    {"", "Logement et habitat", "habitat-logement"},
    {"", "Paysage", "espaces-publics"},
    {"", "Réhabilitation", "habitat-logement"},
    {"", "Voirie et réseaux", "voirie-securite-routiere"},
};

struct AtTables {
    std::map<std::string, std::string> by_category;                       // any theme
    std::map<std::pair<std::string, std::string>, std::string> by_theme;  // overrides
    std::vector<std::string> themes;                                      // folded, longest first
};

const AtTables& at_tables() {
    static const AtTables tables = [] {
        AtTables t;
        for (const AtCategory& entry : at_categories) {
            if (entry.theme.empty()) t.by_category.emplace(label_key(entry.category), entry.slug);
            else t.by_theme.emplace(std::make_pair(label_key(entry.theme), label_key(entry.category)), entry.slug);
        }
        for (std::string_view theme : at_themes) t.themes.push_back(label_key(theme));
        // "Nature / environnement / risques / X" must not stop at "Nature / environnement".
        std::sort(t.themes.begin(), t.themes.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
        return t;
    }();
    return tables;
}
}  // namespace

std::string_view field_name(Kind kind) {
    switch (kind) {
        case Kind::audience: return "targeted_audiences";
        case Kind::aid_type: return "aid_types";
        case Kind::step: return "mobilization_steps";
        case Kind::destination: return "destinations";
        case Kind::recurrence: return "recurrence";
        case Kind::status: return "status";
    }
    return "";
}

std::optional<std::string> normalize(Kind kind, std::string_view value) {
    std::string machine = text::ascii_lower(text::trim(value));
    std::replace(machine.begin(), machine.end(), '-', '_');
    for (const Entry& entry : entries(kind))
        if (entry.value == machine) return machine;
    const auto& labels = folded_labels(kind);
    if (auto it = labels.find(label_key(value)); it != labels.end()) return it->second;
    return std::nullopt;
}

std::vector<std::string> values(Kind kind) {
    std::vector<std::string> out;
    for (const Entry& entry : entries(kind)) out.emplace_back(entry.value);
    return out;
}

std::string label(Kind kind, std::string_view value) {
    for (const Entry& entry : entries(kind))
        if (entry.value == value) return std::string(entry.labels.front());
    return std::string(value);
}

std::vector<std::string> aid_type_group(std::string_view group) {
    thread_local Analyzer analyzer;
    std::string g = analyzer.fold(text::trim(group));
    std::replace(g.begin(), g.end(), '-', '_');
    if (g == "financial_group" || g == "aide financiere" || g == "aides financieres")
        return {"grant", "loan", "recoverable_advance", "cee", "other"};
    if (g == "technical_group" || g == "aide en ingenierie" || g == "aides en ingenierie")
        return {"technical_engineering", "financial_engineering", "legal_engineering"};
    return {};
}

std::optional<std::string> at_category(std::string_view label) {
    const AtTables& tables = at_tables();
    std::string key = label_key(label);
    std::string theme, category = key;
    if (auto bar = key.find('|'); bar != std::string::npos) {
        theme = key.substr(0, bar);
        category = key.substr(bar + 1);
    } else if (!tables.by_category.count(key)) {
        for (const auto& known : tables.themes) {
            if (key.size() > known.size() + 3 && key.compare(0, known.size(), known) == 0 &&
                key.compare(known.size(), 3, " / ") == 0) {
                theme = known;
                category = key.substr(known.size() + 3);
                break;
            }
        }
    }
    if (auto it = tables.by_theme.find({theme, category}); it != tables.by_theme.end()) return it->second;
    if (auto it = tables.by_category.find(category); it != tables.by_category.end()) return it->second;
    return std::nullopt;
}

std::vector<std::pair<std::string, std::string>> at_category_table() {
    std::vector<std::pair<std::string, std::string>> out;
    for (const AtCategory& entry : at_categories)
        out.emplace_back(std::string(entry.theme) + "|" + std::string(entry.category), std::string(entry.slug));
    return out;
}

}  // namespace aides::vocabulary

namespace aides {
std::string french_label(std::string_view field, std::string_view value) {
    using vocabulary::Kind;
    for (Kind kind : {Kind::audience, Kind::aid_type, Kind::step, Kind::destination, Kind::recurrence, Kind::status})
        if (vocabulary::field_name(kind) == field) return vocabulary::label(kind, value);
    return std::string(value);
}
}  // namespace aides
