#!/usr/bin/python3
"""Deterministic generator of synthetic aids in the canonical JSON Lines format, for benchmarks.

    scripts/generate-catalogue.py --count 100000 --out /tmp/aides-100k.jsonl
    scripts/generate-catalogue.py --count 1000000 --seed 7 --out /tmp/aides-1m.jsonl --geography build/geo/geography.tsv

The same arguments always give the same bytes. The aids are spread over the real geography
(build/geo/geography.tsv: regions, departments, EPCIs, communes weighted by population), the
themes and categories of corpus/taxonomy.json, and distributions modelled on a public aid
catalogue: audiences, aid types, recurrences, deadlines, rates, programmes, backers named
after their perimeter, a few generic aids with local variants, a few unpublished ones.
Text is French, built from the project's own phrase lists and templates, plus the sentences
of corpus/aides.jsonl; descriptions have a long-tailed length (a few sentences to a long page).

Speed: the pools of phrases, sentences and backers are built once, JSON-escaped, and each
record is a concatenation of them (no json.dumps per record).
Standard library only; run it with /usr/bin/python3.
"""

import argparse
import bisect
import html
import json
import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(os.path.dirname(HERE), "corpus")
DEFAULT_SEED = 20260101
REFERENCE_YEAR = 2026  # dates are spread around it, never around the real today


def esc(text):
    """The JSON string body of text (no quotes): pools are escaped once."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


# ---------------------------------------------------------------------------------------------
# French phrases, by category slug of corpus/taxonomy.json: (article, noun phrase) objects.
# Articles: "la", "le", "les", "l'" so that "à"/"de" contract properly.
OBJECTS = {
    "revitalisation-centre-bourg": [("la", "revitalisation du centre-bourg"), ("la", "redynamisation du centre-ville"), ("les", "opérations de revitalisation de territoire"), ("la", "reconquête des cœurs de ville")],
    "habitat-logement": [("le", "logement social communal"), ("la", "production de logements abordables"), ("les", "logements vacants du centre ancien"), ("l'", "habitat inclusif")],
    "renovation-habitat-prive": [("la", "rénovation de l'habitat privé"), ("la", "lutte contre l'habitat indigne"), ("les", "opérations programmées d'amélioration de l'habitat"), ("la", "réhabilitation des copropriétés dégradées")],
    "friches-foncier": [("la", "reconversion des friches"), ("le", "recyclage foncier"), ("la", "dépollution des sols"), ("la", "maîtrise foncière publique")],
    "espaces-publics": [("l'", "aménagement des espaces publics"), ("la", "requalification des places et des rues"), ("les", "aménagements paysagers du bourg"), ("le", "mobilier urbain")],
    "planification-urbanisme": [("l'", "élaboration du plan local d'urbanisme"), ("la", "planification intercommunale"), ("les", "études urbaines et paysagères"), ("le", "schéma de cohérence territoriale")],
    "mobilite-douce": [("les", "aménagements cyclables"), ("la", "création de voies vertes"), ("le", "stationnement vélo sécurisé"), ("les", "cheminements piétons")],
    "transports-collectifs": [("les", "pôles d'échanges multimodaux"), ("le", "transport à la demande"), ("les", "lignes de bus en zone rurale"), ("l'", "accessibilité des arrêts de car")],
    "mobilites-partagees": [("le", "covoiturage du quotidien"), ("l'", "autopartage en milieu rural"), ("les", "aires de covoiturage"), ("les", "services de mobilité solidaire")],
    "voirie-securite-routiere": [("la", "sécurisation des traversées de bourg"), ("l'", "entretien de la voirie communale"), ("les", "ouvrages d'art communaux"), ("la", "sécurité routière aux abords des écoles")],
    "electromobilite": [("les", "bornes de recharge pour véhicules électriques"), ("le", "verdissement des flottes publiques"), ("les", "véhicules à faibles émissions"), ("les", "stations d'avitaillement en bioGNV")],
    "renovation-energetique-batiments": [("la", "rénovation énergétique des bâtiments publics"), ("l'", "isolation des écoles et des mairies"), ("le", "remplacement des chaudières au fioul"), ("les", "économies d'énergie du patrimoine communal")],
    "energies-renouvelables": [("les", "réseaux de chaleur renouvelable"), ("les", "chaufferies bois"), ("le", "photovoltaïque en toiture"), ("la", "géothermie de surface"), ("les", "projets d'énergie citoyenne")],
    "eclairage-public": [("la", "rénovation de l'éclairage public"), ("l'", "extinction nocturne"), ("le", "passage aux luminaires LED"), ("la", "trame noire")],
    "economie-circulaire-dechets": [("la", "prévention des déchets"), ("les", "recycleries et ressourceries"), ("le", "tri à la source des biodéchets"), ("le", "réemploi des matériaux du bâtiment")],
    "adaptation-changement-climatique": [("l'", "adaptation au changement climatique"), ("la", "lutte contre les îlots de chaleur"), ("le", "plan climat-air-énergie territorial"), ("la", "résilience face aux canicules")],
    "biodiversite": [("la", "préservation de la biodiversité"), ("les", "atlas de la biodiversité communale"), ("la", "restauration des continuités écologiques"), ("les", "haies bocagères")],
    "renaturation-espaces-verts": [("la", "désimperméabilisation des cours d'école"), ("la", "renaturation des centres-villes"), ("les", "vergers et jardins partagés"), ("la", "plantation d'arbres en ville")],
    "littoral-mer": [("la", "gestion du trait de côte"), ("la", "protection du littoral"), ("les", "ports de plaisance"), ("les", "activités maritimes durables")],
    "risques-naturels": [("la", "prévention des inondations"), ("la", "défense des forêts contre les incendies"), ("les", "plans communaux de sauvegarde"), ("la", "réduction de la vulnérabilité aux risques")],
    "agriculture-alimentation": [("les", "projets alimentaires territoriaux"), ("l'", "approvisionnement local de la restauration collective"), ("la", "gestion durable des forêts communales"), ("les", "circuits courts")],
    "eau-potable": [("la", "sécurisation de l'alimentation en eau potable"), ("le", "renouvellement des canalisations d'eau"), ("la", "protection des captages"), ("les", "interconnexions de réseaux d'eau")],
    "assainissement-eaux-pluviales": [("l'", "assainissement collectif"), ("la", "gestion des eaux pluviales à la parcelle"), ("les", "stations d'épuration"), ("la", "mise en conformité de l'assainissement")],
    "cours-eau-zones-humides": [("la", "restauration des cours d'eau"), ("les", "zones humides"), ("la", "continuité écologique des rivières"), ("l'", "entretien des berges")],
    "economies-eau": [("les", "économies d'eau"), ("la", "réutilisation des eaux usées traitées"), ("la", "récupération des eaux de pluie"), ("la", "sobriété hydrique des bâtiments")],
    "patrimoine-monuments": [("la", "restauration du patrimoine"), ("les", "monuments historiques"), ("le", "petit patrimoine rural"), ("les", "églises et chapelles communales")],
    "bibliotheques-lecture": [("les", "médiathèques"), ("la", "lecture publique"), ("l'", "extension des horaires d'ouverture des bibliothèques"), ("les", "équipements numériques des bibliothèques")],
    "spectacle-vivant-arts": [("le", "spectacle vivant"), ("les", "résidences d'artistes"), ("l'", "éducation artistique et culturelle"), ("les", "festivals en milieu rural")],
    "musees-expositions": [("les", "musées de France"), ("la", "rénovation des espaces d'exposition"), ("la", "conservation des collections"), ("les", "projets scientifiques et culturels")],
    "equipements-sportifs": [("les", "équipements sportifs de proximité"), ("la", "rénovation des gymnases"), ("les", "terrains multisports"), ("les", "piscines publiques")],
    "tourisme": [("le", "tourisme durable"), ("les", "itinéraires de randonnée"), ("l'", "hébergement touristique"), ("la", "valorisation touristique du patrimoine")],
    "commerce-proximite": [("le", "commerce de proximité"), ("la", "reprise des commerces vacants"), ("le", "dernier commerce du village"), ("les", "marchés de plein vent")],
    "entreprises-industrie": [("l'", "implantation d'entreprises"), ("la", "modernisation des sites industriels"), ("l'", "innovation des petites entreprises"), ("la", "transmission d'entreprises")],
    "economie-sociale-solidaire": [("l'", "économie sociale et solidaire"), ("les", "entreprises d'insertion"), ("les", "coopératives d'intérêt collectif"), ("les", "projets associatifs d'utilité sociale")],
    "zones-activites": [("la", "requalification des zones d'activités"), ("l'", "immobilier d'entreprise"), ("les", "ateliers relais"), ("la", "densification des parcs d'activités")],
    "emploi-insertion": [("l'", "insertion professionnelle"), ("les", "chantiers d'insertion"), ("l'", "emploi des jeunes"), ("la", "formation des demandeurs d'emploi")],
    "inclusion-numerique": [("la", "médiation numérique"), ("les", "conseillers numériques"), ("l'", "accompagnement des publics éloignés du numérique"), ("les", "ateliers numériques")],
    "france-services": [("les", "espaces France services"), ("l'", "accueil des usagers"), ("les", "bus itinérants de services publics"), ("l'", "accès aux droits")],
    "infrastructures-numeriques": [("le", "très haut débit"), ("la", "couverture mobile des zones blanches"), ("la", "fibre optique"), ("les", "réseaux d'initiative publique")],
    "services-numeriques": [("la", "dématérialisation des démarches"), ("la", "cybersécurité des collectivités"), ("les", "données ouvertes"), ("les", "logiciels libres des collectivités")],
    "tiers-lieux": [("les", "tiers-lieux"), ("les", "espaces de coworking"), ("les", "fabriques de territoire"), ("les", "ateliers partagés")],
    "sante-acces-aux-soins": [("les", "maisons de santé pluriprofessionnelles"), ("l'", "installation de médecins"), ("les", "centres de santé"), ("la", "télémédecine")],
    "action-sociale": [("l'", "action sociale"), ("la", "lutte contre la pauvreté"), ("l'", "aide alimentaire"), ("les", "épiceries solidaires")],
    "autonomie-handicap": [("le", "maintien à domicile des personnes âgées"), ("l'", "habitat adapté"), ("l'", "inclusion des personnes handicapées"), ("les", "résidences autonomie")],
    "accessibilite": [("l'", "accessibilité des établissements recevant du public"), ("la", "mise en accessibilité de la voirie"), ("les", "agendas d'accessibilité programmée"), ("l'", "accessibilité des services")],
    "vie-associative": [("la", "vie associative"), ("le", "bénévolat"), ("les", "maisons des associations"), ("le", "lien social")],
    "ecoles-batiments-scolaires": [("la", "rénovation des écoles"), ("les", "cours d'école"), ("le", "numérique éducatif"), ("les", "bâtiments scolaires")],
    "petite-enfance": [("les", "crèches"), ("l'", "accueil du jeune enfant"), ("les", "maisons d'assistants maternels"), ("les", "relais petite enfance")],
    "jeunesse-engagement": [("l'", "engagement des jeunes"), ("les", "accueils de loisirs"), ("les", "conseils municipaux de jeunes"), ("le", "service civique")],
    "restauration-scolaire": [("la", "restauration scolaire"), ("les", "cantines bio et locales"), ("la", "lutte contre le gaspillage alimentaire"), ("les", "cuisines centrales")],
    "chef-de-projet": [("le", "poste de chef de projet"), ("l'", "animation du programme"), ("le", "recrutement d'un manager de commerce"), ("l'", "ingénierie de projet")],
    "etudes-diagnostics": [("les", "études préalables"), ("les", "diagnostics de territoire"), ("les", "études de faisabilité"), ("la", "stratégie de développement")],
    "assistance-maitrise-ouvrage": [("l'", "assistance à maîtrise d'ouvrage"), ("la", "programmation des équipements"), ("le", "conseil en architecture"), ("l'", "appui technique aux petites communes")],
    "formation-elus-agents": [("la", "formation des élus"), ("la", "montée en compétences des agents"), ("les", "formations à la transition écologique"), ("les", "échanges entre collectivités")],
    "participation-citoyenne": [("la", "participation citoyenne"), ("la", "concertation des habitants"), ("les", "budgets participatifs"), ("la", "démocratie locale")],
    "batiments-communaux": [("les", "bâtiments communaux"), ("les", "salles polyvalentes"), ("les", "mairies"), ("les", "équipements publics de proximité")],
    "finances-locales": [("l'", "investissement local"), ("les", "projets d'investissement des petites communes"), ("le", "préfinancement des subventions"), ("la", "trésorerie des collectivités")],
    "securite-prevention": [("la", "prévention de la délinquance"), ("la", "vidéoprotection"), ("la", "sécurité des bâtiments publics"), ("la", "tranquillité publique")],
    "cooperation-territoriale": [("la", "coopération transfrontalière"), ("les", "projets européens"), ("la", "coopération entre territoires"), ("les", "jumelages")],
}

NAME_TEMPLATES = [  # {a} = "à" + object, {d} = "de" + object, {o} = object, {O} = capitalised
    "Soutien {a}", "Aide {a}", "Accompagnement {d}", "Financement {d}", "Subvention pour {o}",
    "Appel à projets « {O} »", "Fonds pour {o}", "Prêt pour {o}", "Appui en ingénierie pour {o}",
    "Programme régional {d}", "Dispositif d'aide {a}", "Conseil et expertise pour {o}",
    "Appel à manifestation d'intérêt : {o}", "Contrat de territoire : {o}", "Bonification {d}",
    "Aide à l'investissement pour {o}", "Cofinancement {d}", "Soutien aux études sur {o}",
]

SENTENCE_TEMPLATES = [
    "Le dispositif soutient les projets liés {a}, portés par les communes et leurs groupements.",
    "{B} accompagne les collectivités dans {o}, de la phase d'étude à la réalisation des travaux.",
    "L'aide prend la forme d'une subvention pouvant atteindre {r} % des dépenses éligibles.",
    "Le montant de l'aide est plafonné à {m} euros par projet.",
    "Les dépenses éligibles comprennent les études préalables, la maîtrise d'œuvre et les travaux liés {a}.",
    "Les projets retenus devront démontrer leur contribution à la transition écologique du territoire.",
    "Une attention particulière est portée aux communes de moins de {p} habitants.",
    "Le dossier de candidature est déposé en ligne avant le démarrage des travaux.",
    "Un chargé de mission aide la collectivité à définir son besoin et à monter son dossier.",
    "Cette aide est cumulable avec les autres financements publics, dans la limite de 80 % du coût total.",
    "Les projets doivent s'inscrire dans une démarche globale en faveur {d2}.",
    "L'accompagnement porte notamment sur {o}, {o2} et {o3}.",
    "La priorité est donnée aux opérations situées dans les centres-bourgs et les quartiers prioritaires.",
    "Le comité de sélection se réunit deux fois par an pour examiner les candidatures.",
    "Les études d'opportunité et de faisabilité peuvent être financées à hauteur de {r} %.",
    "{B} met à disposition une ingénierie gratuite pour les petites communes.",
    "Le porteur de projet s'engage à communiquer sur le soutien obtenu.",
    "L'appel à projets {y} vise en particulier {o}.",
    "Les investissements matériels et immatériels sont éligibles, hors frais de fonctionnement courant.",
    "Le versement intervient sur présentation des factures acquittées.",
    "Un acompte de 30 % peut être versé au démarrage de l'opération.",
    "Les travaux doivent être achevés dans un délai de trois ans après la notification de l'aide.",
    "Les collectivités peuvent solliciter un accompagnement pour {o} et pour {o2}.",
    "L'objectif est de réduire les consommations et d'améliorer le confort des usagers.",
    "Une convention précise les engagements réciproques de la collectivité et de {b}.",
    "Le dispositif s'adresse en priorité aux territoires ruraux et aux petites villes.",
    "Les projets mutualisés entre plusieurs communes sont encouragés.",
    "Un diagnostic préalable est exigé pour {o}.",
    "Le taux d'aide est majoré de 10 points pour les communes lauréates de Petites villes de demain.",
    "Les candidatures sont ouvertes jusqu'à épuisement des crédits.",
]

GENERIC_BACKERS = [
    "Agence nationale de la cohésion des territoires (ANCT)", "Banque des Territoires", "ADEME",
    "Agence nationale de l'habitat (Anah)", "Cerema", "Ministère de la Transition écologique",
    "Ministère de la Culture", "Ministère de l'Agriculture et de la Souveraineté alimentaire",
    "Ministère des Sports", "Agence nationale du Sport", "Office français de la biodiversité (OFB)",
    "Caisse nationale des allocations familiales (CNAF)", "Bpifrance", "Fondation du patrimoine",
    "France Active", "Agence de services et de paiement (ASP)", "Centre national du livre",
    "Agence nationale de la rénovation urbaine (ANRU)", "Ministère de l'Intérieur",
    "Caisse des dépôts", "Agence française de développement", "FNCCR",
]
EUROPEAN_BACKERS = ["Commission européenne", "Union européenne", "Fonds européen de développement régional (FEDER)",
                    "Fonds social européen (FSE+)", "Programme LEADER"]
OVERSEAS_BACKERS = ["Ministère des Outre-mer", "Agence française de développement", "Office de développement de l'économie agricole d'outre-mer (ODEADOM)"]
INSTRUCTORS = ["Préfecture de département", "Direction départementale des territoires (DDT)", "Direction régionale de l'environnement (DREAL)",
               "Agence de l'eau", "Sous-préfecture", "Direction régionale des affaires culturelles (DRAC)", "Banque des Territoires"]
PROGRAMS = [("petites-villes-de-demain", 8.0), ("action-coeur-de-ville", 3.0), ("fonds-vert", 6.0), ("france-ruralites", 2.0),
            ("villages-d-avenir", 1.5), ("plan-velo", 1.0), ("territoires-d-industrie", 1.0), ("leader", 1.0), ("feder", 1.5),
            ("interreg", 0.5), ("france-services", 1.0), ("programme-cee-actee", 0.5)]

# French "de" before a department or region name: "du Finistère", "de la Drôme", "de l'Aude",
# "des Landes", "de Saône-et-Loire", "d'Ille-et-Vilaine".
FEMININE = {"Charente", "Charente-Maritime", "Corrèze", "Corse-du-Sud", "Côte-d'Or", "Creuse", "Dordogne", "Drôme",
            "Gironde", "Guadeloupe", "Guyane", "Haute-Corse", "Haute-Garonne", "Haute-Loire", "Haute-Marne", "Haute-Saône",
            "Haute-Savoie", "Haute-Vienne", "Loire", "Lozère", "Manche", "Marne", "Martinique", "Mayenne", "Meuse",
            "Moselle", "Nièvre", "Sarthe", "Savoie", "Seine-Maritime", "Seine-Saint-Denis", "Somme", "Vendée", "Vienne",
            "Polynésie française", "Nouvelle-Calédonie"}
PLURAL = {"Ardennes", "Landes", "Vosges", "Yvelines", "Hauts-de-France", "Pays de la Loire",
          "Terres australes et antarctiques françaises"}
MASCULINE_COMPOUND = ("Tarn-", "Lot-", "Loir-", "Pas-", "Bas-", "Grand ", "Centre-", "Territoire ", "Val-")


def de(name):
    if name.startswith(("La ", "Le ", "Les ")):
        article, rest = name.split(" ", 1)
        return {"Les": "des ", "La": "de La ", "Le": "du "}[article] + rest
    vowel = name[0] in "AEIOUYÉÈÂÎ" or name.startswith("Hérault")
    if name in PLURAL or ("-" in name and name.split("-")[0].endswith(("s", "x")) and not name.startswith(("Pas-", "Bas-"))):
        return "des " + name
    if name in FEMININE:
        return "de la " + name
    if name.startswith(MASCULINE_COMPOUND):
        return "du " + name
    if "-et-" in name or " et " in name or name.startswith("Saint-") or name in {"Paris", "Mayotte", "Bretagne", "Normandie", "Corse",
                                                              "Nouvelle-Aquitaine", "Bourgogne-Franche-Comté",
                                                              "Provence-Alpes-Côte d'Azur", "Loire-Atlantique", "Maine-et-Loire"}:
        return ("d'" if vowel else "de ") + name
    if vowel:
        return ("d'" if name in {"Occitanie", "Île-de-France", "Auvergne-Rhône-Alpes"} else "de l'") + name
    return "du " + name


def contract(preposition, article, noun):
    if article == "l'":
        return f"{preposition} l'{noun}"
    if preposition == "à":
        return {"le": "au ", "les": "aux ", "la": "à la "}[article] + noun
    return {"le": "du ", "les": "des ", "la": "de la "}[article] + noun


def slug_words(text):
    text = text.lower()
    for a, b in (("à", "a"), ("â", "a"), ("ç", "c"), ("é", "e"), ("è", "e"), ("ê", "e"), ("ë", "e"), ("î", "i"), ("ï", "i"),
                 ("ô", "o"), ("ù", "u"), ("û", "u"), ("ü", "u"), ("œ", "oe"), ("æ", "ae")):
        text = text.replace(a, b)
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")


def sentences_of(corpus_path):
    """The sentences of the sample catalogue's descriptions, as extra vocabulary."""
    out = []
    if not corpus_path or not os.path.exists(corpus_path):
        return out
    with open(corpus_path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line:
                continue
            record = json.loads(line)
            for field in ("description", "eligibility"):
                text = html.unescape(re.sub(r"<[^>]+>", " ", record.get(field) or ""))
                for sentence in re.split(r"(?<=[.!?])\s+", re.sub(r"\s+", " ", text).strip()):
                    if 40 <= len(sentence) <= 300 and sentence[0].isupper() and sentence.endswith("."):
                        out.append(sentence)
    return sorted(set(out))


def read_geography(path):
    regions, departments, epcis, communes = {}, {}, {}, []
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("#"):
                continue
            fields = line.rstrip("\n").split("\t")
            kind = fields[0]
            if kind == "R":
                regions[fields[1]] = fields[2]
            elif kind == "D":
                departments[fields[1]] = (fields[2], fields[3], fields[4])  # region, name, zone
            elif kind == "E":
                epcis[fields[1]] = fields[2]
            elif kind == "C":
                # code, name, department, region, epci, population
                communes.append((fields[1], fields[2], fields[3], fields[4], fields[5], int(fields[6] or 0)))
    if not communes:
        sys.exit(f"generate-catalogue.py: {path}: no commune in the geography")
    return regions, departments, epcis, communes


class Picker:
    """Weighted choice by bisection over cumulative weights, on one Random."""

    def __init__(self, rng, items, weights):
        self.items = list(items)
        self.cum = []
        total = 0.0
        for w in weights:
            total += w
            self.cum.append(total)
        self.total = total
        self.random = rng.random

    def __call__(self):
        return self.items[bisect.bisect_right(self.cum, self.random() * self.total)]


def build(args):
    rng = random.Random(args.seed)
    rand = rng.random
    regions, departments, epcis, communes = read_geography(args.geography)
    with open(args.taxonomy, encoding="utf-8") as f:
        taxonomy = json.load(f)
    themes = [(t["slug"], [c["slug"] for c in t["categories"]]) for t in taxonomy["themes"]]
    for _, categories in themes:
        for slug in categories:
            if slug not in OBJECTS:
                sys.exit(f"generate-catalogue.py: category {slug} of the taxonomy has no phrases")

    # Names, per category: every template with every object, escaped, with its slug.
    names = {}
    for slug, objects in OBJECTS.items():
        pool = []
        for article, noun in objects:
            o = (article + " " + noun) if article != "l'" else "l'" + noun
            for template in NAME_TEMPLATES:
                name = template.format(a=contract("à", article, noun), d=contract("de", article, noun), o=o,
                                       O=noun[0].upper() + noun[1:])
                pool.append((esc(name), slug_words(name)[:60].rstrip("-")))
        names[slug] = pool

    # Sentences, per category: templates filled with the category's objects, plus the sample's.
    extra = [esc(s) for s in sentences_of(args.sample)]
    generic = [esc(t) for t in SENTENCE_TEMPLATES if "{" not in t]
    sentences = {}
    for slug, objects in OBJECTS.items():
        pool = []
        phrases = [(a + " " + n) if a != "l'" else "l'" + n for a, n in objects]
        for template in SENTENCE_TEMPLATES:
            if "{" not in template:
                continue
            for i, (article, noun) in enumerate(objects):
                for backer in ("L'État", "La Région", "Le Département", "L'agence"):
                    a2, n2 = objects[(i + 1) % len(objects)]
                    text = template.format(o=phrases[i], o2=phrases[(i + 1) % len(phrases)], o3=phrases[(i + 2) % len(phrases)],
                                           a=contract("à", article, noun), d2=contract("de", a2, n2), B=backer, b=backer[0].lower() + backer[1:],
                                           r=rng.choice((20, 30, 40, 50, 60, 80)), m=rng.choice(("10 000", "50 000", "150 000", "500 000")),
                                           p=rng.choice(("2 000", "3 500", "5 000", "20 000")), y=REFERENCE_YEAR)
                    pool.append(esc(text))
        sentences[slug] = sorted(set(pool))

    # Perimeters: scale, then code; communes weighted by population (big towns have more local aids).
    region_codes = sorted(regions)
    department_codes = sorted(departments)
    epci_codes = sorted(epcis)
    commune_pick = Picker(rng, range(len(communes)), [c[5] ** 0.5 + 1 for c in communes])
    epci_pick = Picker(rng, epci_codes, [1.0] * len(epci_codes))
    region_pick = Picker(rng, region_codes, [1.0] * len(region_codes))
    department_pick = Picker(rng, department_codes, [1.0] * len(department_codes))
    # National backers: a few big ones fund most aids (Zipf-like, in the order of the list).
    national_pick = Picker(rng, [esc(b) for b in GENERIC_BACKERS], [1.0 / (i + 1) for i in range(len(GENERIC_BACKERS))])
    scale_pick = Picker(rng, ["country", "region", "department", "epci", "commune", "mainland", "overseas", "continent"],
                        [18, 15, 33, 12, 9, 4, 2, 7])

    # Backers named after their perimeter, escaped once.
    region_backers = {code: (esc("Région " + name), esc("Conseil régional " + de(name))) for code, name in regions.items()}
    department_backers = {code: (esc("Département " + de(d[1])), esc("Conseil départemental " + de(d[1])))
                          for code, d in departments.items()}
    epci_backers = {code: esc(name) for code, name in epcis.items()}
    commune_backers = {}

    def region_backer(code):
        return region_backers[code][0 if rand() < 0.7 else 1]

    def department_backer(code):
        return department_backers[code][0 if rand() < 0.5 else 1]

    def perimeter():
        scale = scale_pick()
        if scale == "country":
            return "country:FRA", national_pick()
        if scale == "continent":
            return "continent:EU", esc(EUROPEAN_BACKERS[int(rand() * len(EUROPEAN_BACKERS))])
        if scale == "mainland":
            return "mainland:FRA-MET", national_pick()
        if scale == "overseas":
            return "overseas:FRA-OM", esc(OVERSEAS_BACKERS[int(rand() * len(OVERSEAS_BACKERS))])
        if scale == "region":
            code = region_pick()
            return "region:" + code, region_backer(code)
        if scale == "department":
            code = department_pick()
            return "department:" + code, department_backer(code)
        if scale == "epci":
            code = epci_pick()
            return "epci:" + code, epci_backers[code]
        c = communes[commune_pick()]
        names = commune_backers.get(c[0])
        if names is None:
            name = c[1]
            of = de(name) if name.startswith(("La ", "Le ", "Les ")) else ("d'" if name[0] in "AEIOUYÉÈÂÎ" else "de ") + name
            names = commune_backers[c[0]] = (esc("Commune " + of), esc("Ville " + of))
        return "commune:" + c[0], names[0 if rand() < 0.6 else 1]

    audiences = [("commune", 0.86), ("epci", 0.74), ("department", 0.2), ("region", 0.12), ("special", 0.08),
                 ("association", 0.3), ("private_person", 0.06), ("farmer", 0.05), ("private_sector", 0.16),
                 ("public_cies", 0.1), ("public_org", 0.2), ("researcher", 0.03)]
    aid_types = [("grant", 0.62), ("loan", 0.07), ("recoverable_advance", 0.03), ("cee", 0.02), ("other", 0.06),
                 ("technical_engineering", 0.3), ("financial_engineering", 0.14), ("legal_engineering", 0.09)]
    program_pick = Picker(rng, [p for p, _ in PROGRAMS], [w for _, w in PROGRAMS])
    theme_pick = Picker(rng, range(len(themes)), [1.6, 1.2, 1.5, 1.0, 0.8, 1.0, 1.0, 0.8, 1.0, 0.8, 1.3, 1.0][:len(themes)] +
                        [1.0] * max(0, len(themes) - 12))
    # Sentences per description: a long tail (2 .. 30, median 5).
    length_pick = Picker(rng, list(range(2, 31)), [max(0.05, 10.0 * (0.8 ** abs(k - 5))) for k in range(2, 31)])
    status_pick = Picker(rng, ["published", "draft", "reviewable", "deleted", "merged"], [95, 2, 1, 1, 1])
    recurrence_pick = Picker(rng, ["ongoing", "oneoff", "recurring"], [45, 35, 20])
    upper_pick = Picker(rng, [20, 25, 30, 40, 50, 60, 70, 80, 100], [6, 4, 10, 8, 14, 5, 4, 8, 3])
    loan_pick = Picker(rng, [50000, 100000, 250000, 500000, 1000000, 2000000], [3, 4, 4, 3, 2, 1])
    return locals()


def days_in_month(year, month):
    if month == 2:
        return 29 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 28
    return 31 if month in (1, 3, 5, 7, 8, 10, 12) else 30


def write(args, out):
    s = build(args)
    rand = s["rand"]
    themes, names, sentences, extra = s["themes"], s["names"], s["sentences"], s["extra"]
    perimeter, audiences, aid_types = s["perimeter"], s["audiences"], s["aid_types"]
    program_pick, theme_pick, length_pick = s["program_pick"], s["theme_pick"], s["length_pick"]
    status_pick, recurrence_pick, upper_pick, loan_pick = s["status_pick"], s["recurrence_pick"], s["upper_pick"], s["loan_pick"]
    department_pick, department_backer = s["department_pick"], s["department_backer"]
    region_pick, region_backer = s["region_pick"], s["region_backer"]
    department_names = {code: esc(d[1]) for code, d in s["departments"].items()}
    instructors = [esc(name) for name in INSTRUCTORS]
    national_pick = s["national_pick"]
    extra_n = len(extra)
    prefix = args.id_prefix
    # Dates: a pool of valid days over 2019..2029, picked by index.
    days = [f"{y:04d}-{m:02d}-{d:02d}" for y in range(2019, 2030) for m in range(1, 13) for d in range(1, days_in_month(y, m) + 1)]
    first_2024 = days.index("2024-01-01")
    first_2025 = days.index("2025-06-01")
    first_2026 = days.index(f"{REFERENCE_YEAR}-01-01")
    n_days = len(days)
    generics = []  # (id, name escaped) of national generic aids that get local variants
    buffer = []
    for i in range(args.count):
        aid_id = f"{prefix}{i + 1:07d}"
        theme_slug, categories = themes[theme_pick()]
        main = categories[int(rand() * len(categories))]
        chosen = [main]
        for _ in range(int(rand() * 2.2)):
            other = categories[int(rand() * len(categories))] if rand() < 0.75 else themes[theme_pick()][1][0]
            if other not in chosen:
                chosen.append(other)
        name, slug = names[main][int(rand() * len(names[main]))]
        perimeter_code, backer = perimeter()
        generic = None
        if generics and rand() < 0.006:
            # A local variant of a generic aid: same name, a department's perimeter and backer.
            generic, name = generics[int(rand() * len(generics))]
            code = department_pick()
            perimeter_code, backer = "department:" + code, department_backer(code)
            name = name + " – " + department_names[code]
        elif perimeter_code == "country:FRA" and rand() < 0.03 and len(generics) < 200:
            generics.append((aid_id, name))

        pool = sentences[main]
        k = length_pick()
        parts = []
        for _ in range(k):
            if rand() < 0.3 and extra_n:
                parts.append(extra[int(rand() * extra_n)])
            else:
                parts.append(pool[int(rand() * len(pool))])
        r = rand()
        if r < 0.35:
            description = "<p>" + " ".join(parts[: (k + 1) // 2]) + "</p><p>" + " ".join(parts[(k + 1) // 2:]) + "</p>"
        elif r < 0.45:
            description = "<p>" + parts[0] + "</p><ul><li>" + "</li><li>".join(parts[1:]) + "</li></ul>"
        else:
            description = " ".join(parts)

        line = ['{"id": "', aid_id, '", "slug": "', slug, "-", aid_id, '", "url": "https://example.org/aides/', slug, "-", aid_id,
                '", "name": "', name, '", "description": "', description, '"']
        if rand() < 0.7:
            line += [', "eligibility": "', pool[int(rand() * len(pool))], '"']
        line += [', "financers": ["', backer, '"']
        if rand() < 0.3:
            line += [', "', region_backer(region_pick()) if rand() < 0.5 else national_pick(), '"']
        line.append("]")
        if rand() < 0.2:
            line += [', "instructors": ["', instructors[int(rand() * len(instructors))], '"]']
        if rand() < 0.25:
            line += [', "programs": ["', program_pick(), '"]']
        line += [', "categories": ["', '", "'.join(chosen), '"]']
        chosen_audiences = [a for a, p in audiences if rand() < p] or ["commune"]
        line += [', "targeted_audiences": ["', '", "'.join(chosen_audiences), '"]']
        chosen_types = [t for t, p in aid_types if rand() < p] or ["grant"]
        line += [', "aid_types": ["', '", "'.join(chosen_types), '"]']
        steps = [st for st, p in (("preop", 0.45), ("op", 0.8), ("postop", 0.2)) if rand() < p]
        if steps:
            line += [', "mobilization_steps": ["', '", "'.join(steps), '"]']
        destinations = [d for d, p in (("supply", 0.35), ("investment", 0.7)) if rand() < p]
        if destinations:
            line += [', "destinations": ["', '", "'.join(destinations), '"]']
        recurrence = recurrence_pick()
        line += [', "recurrence": "', recurrence, '", "is_call_for_project": ', "true" if rand() < 0.25 else "false",
                 ', "is_charged": ', "true" if rand() < 0.03 else "false", ', "perimeter": "', perimeter_code, '"']
        if rand() < 0.4:
            line += [', "start_date": "', days[first_2024 + int(rand() * (first_2026 + 200 - first_2024))], '"']
        if (recurrence != "ongoing" and rand() < 0.85) or rand() < 0.08:
            line += [', "submission_deadline": "', days[first_2025 + int(rand() * (n_days - first_2025))], '"']
        else:
            line.append(', "submission_deadline": null')
        if "grant" in chosen_types and rand() < 0.75:
            upper = upper_pick()
            if rand() < 0.4:
                line += [', "subvention_rate_lower_bound": ', str(max(5, upper - 10 * (1 + int(rand() * 3))))]
            line += [', "subvention_rate_upper_bound": ', str(upper)]
        if "loan" in chosen_types and rand() < 0.6:
            line += [', "loan_amount": ', str(loan_pick())]
        if "recoverable_advance" in chosen_types and rand() < 0.6:
            line += [', "recoverable_advance_amount": ', str(loan_pick())]
        published = int(rand() * (first_2026 + 120))
        line += [', "date_published": "', days[published], '"']
        if rand() < 0.5:
            line += [', "date_updated": "', days[min(n_days - 1, published + int(rand() * 400))], '"']
        line += [', "status": "', status_pick(), '"']
        if generic:
            line += [', "generic_aid": "', generic, '"']
        line.append("}\n")
        buffer.append("".join(line))
        if len(buffer) >= 4096:
            out.write("".join(buffer))
            buffer.clear()
    out.write("".join(buffer))


def main(argv=None):
    parser = argparse.ArgumentParser(description="Write N synthetic aids as canonical JSON Lines (deterministic).")
    parser.add_argument("--count", type=int, default=10000, help="number of aids (default 10000)")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"random seed (default {DEFAULT_SEED})")
    parser.add_argument("--out", default="-", help="output file, - for stdout (default)")
    parser.add_argument("--geography", default=os.path.join(HERE, "..", "build", "geo", "geography.tsv"),
                        help="geography.tsv made by aides-geo-convert (default build/geo/geography.tsv)")
    parser.add_argument("--taxonomy", default=os.path.join(CORPUS, "taxonomy.json"), help="taxonomy (default corpus/taxonomy.json)")
    parser.add_argument("--sample", default=os.path.join(CORPUS, "aides.jsonl"),
                        help="catalogue whose sentences enrich the vocabulary (default corpus/aides.jsonl; '' for none)")
    parser.add_argument("--id-prefix", default="gen-", help="prefix of the ids (default gen-)")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("--count must be 0 or more")
    if not os.path.exists(args.geography):
        parser.error(f"no geography at {args.geography}: run `make geography` or give --geography")
    if args.out == "-":
        write(args, sys.stdout)
    else:
        with open(args.out, "w", encoding="utf-8", newline="\n", buffering=1 << 20) as out:
            write(args, out)


if __name__ == "__main__":
    main()
