#include "model/vocabulary.hpp"

#include <aides/analysis.hpp>

#include <algorithm>
#include <map>

#include "analysis/text_utils.hpp"

namespace aides::vocabulary {
namespace {

struct Entry {
    std::string_view value;
    std::vector<std::string_view> labels;  // Aides-territoires labels, old and new
};

const std::vector<Entry>& entries(Kind kind) {
    static const std::vector<Entry> audiences = {
        {"commune", {"Communes", "Commune"}},
        {"epci", {"Intercommunalités / Pays", "Intercommunalités", "EPCI"}},
        {"department", {"Départements", "Département"}},
        {"region", {"Régions", "Région"}},
        {"special", {"Collectivités d'outre-mer à statuts particuliers", "Collectivité d'outre-mer à statut particulier"}},
        {"association", {"Associations", "Association"}},
        {"private_person", {"Particuliers", "Particulier"}},
        {"farmer", {"Agriculteurs", "Agriculteur"}},
        {"private_sector", {"Entreprises privées", "Entreprise privée", "Entreprises"}},
        {"public_cies", {"Entreprises publiques locales (Sem, Spl, SemOp)", "Entreprises publiques locales"}},
        {"public_org", {"Établissements publics (écoles, bibliothèques…) / Services de l'État",
                        "Établissements publics / Services de l'État", "Établissements publics"}},
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
        Analyzer analyzer;
        std::map<Kind, std::map<std::string, std::string>> all;
        for (Kind k : {Kind::audience, Kind::aid_type, Kind::step, Kind::destination,
                       Kind::recurrence, Kind::status}) {
            for (const Entry& entry : entries(k))
                for (std::string_view label : entry.labels)
                    all[k][analyzer.fold(label)] = std::string(entry.value);
        }
        return all;
    }();
    return tables.at(kind);
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
    thread_local Analyzer analyzer;
    const auto& labels = folded_labels(kind);
    if (auto it = labels.find(analyzer.fold(text::trim(value))); it != labels.end()) return it->second;
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

}  // namespace aides::vocabulary
