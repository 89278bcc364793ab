// The search page: reads its search from the URL, asks the JSON API, draws the results.
// Every change of the search is a new URL (deep links, back button); nothing else is stored.
const PAGE_SIZE = 10;
const $ = (id) => document.getElementById(id);
const portalSlug = (location.pathname.match(/^\/portails\/([a-z0-9-]+)\/?$/) || [])[1] || "";
const base = portalSlug ? `/portails/${portalSlug}/` : "/";
const labels = { types: {}, themes: [], programs: {} };

async function api(path, params) {
  const query = params ? "?" + params.toString() : "";
  const response = await fetch(path + query, { headers: { Accept: "application/json" } });
  const body = await response.json().catch(() => ({ error: `HTTP ${response.status}` }));
  if (!response.ok) throw new Error(body.error || `HTTP ${response.status}`);
  return body;
}

function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "html") node.innerHTML = value;  // only the API's escaped snippets
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) if (child) node.append(child);
  return node;
}

// ------------------------------------------------------------------------------ URL <-> form
function stateFromUrl() {
  const q = new URLSearchParams(location.search);
  return {
    territoire: q.get("territoire") || "", lieu: q.get("lieu") || "", texte: q.get("texte") || "",
    type: q.get("type") || "", echeance: q.get("echeance") || "", programme: q.get("programme") || "",
    themes: q.getAll("theme"), page: Math.max(1, parseInt(q.get("page") || "1", 10) || 1), aide: q.get("aide") || "",
  };
}

function urlOf(state) {
  const q = new URLSearchParams();
  for (const key of ["territoire", "lieu", "texte", "type", "echeance", "programme"]) if (state[key]) q.set(key, state[key]);
  for (const theme of state.themes) q.append("theme", theme);
  if (state.page > 1) q.set("page", String(state.page));
  if (state.aide) q.set("aide", state.aide);
  const text = q.toString();
  return base + (text ? "?" + text : "");
}

function stateFromForm(page = 1) {
  const input = $("territoire");
  return {
    territoire: input.dataset.id || "", lieu: input.dataset.id ? input.value : "", texte: $("texte").value.trim(),
    type: $("type").value, echeance: $("echeance").value, programme: $("programme").value,
    themes: [...document.querySelectorAll("#thematiques-liste input:checked")].map((box) => box.value), page, aide: "",
  };
}

function fillForm(state) {
  const input = $("territoire");
  input.value = state.lieu || "";
  if (state.territoire) input.dataset.id = state.territoire; else delete input.dataset.id;
  $("texte").value = state.texte;
  $("type").value = state.type;
  $("echeance").value = state.echeance;
  $("programme").value = state.programme;
  for (const box of document.querySelectorAll("#thematiques-liste input")) box.checked = state.themes.includes(box.value);
}

function apiParams(state) {
  const q = new URLSearchParams();
  if (state.territoire.startsWith("commune:")) q.set("commune", state.territoire.slice("commune:".length));
  else if (state.territoire) q.set("perimeter", state.territoire);
  if (state.texte) q.set("text", state.texte);
  if (state.type) q.set("aid_type", state.type);
  if (state.echeance) q.set("apply_before", state.echeance);
  if (state.programme) q.set("programs", state.programme);
  for (const theme of state.themes) q.append("themes", theme);
  if (portalSlug) q.set("portal", portalSlug);
  q.set("page", String(state.page));
  q.set("size", String(PAGE_SIZE));
  q.set("facets", "true");
  q.set("explain", "true");
  return q;
}

function go(state, moveFocus = true) {
  history.pushState(null, "", urlOf(state));
  return render(state, moveFocus);
}

// ------------------------------------------------------------------------------ autocomplete
function setupAutocomplete() {
  const input = $("territoire");
  const list = $("territoire-liste");
  let active = -1;
  let items = [];
  let pending = 0;

  const close = () => {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  };
  const highlight = (index) => {
    active = index;
    [...list.children].forEach((li, i) => li.setAttribute("aria-selected", i === index ? "true" : "false"));
    if (index >= 0) input.setAttribute("aria-activedescendant", list.children[index].id);
  };
  const choose = (index) => {
    const item = items[index];
    if (!item) return;
    input.value = item.name;
    input.dataset.id = item.id;
    close();
  };
  const describe = (item) => {
    if (item.scale === "commune") return `Commune · ${item.zipcodes.join(", ")} · ${item.id.split(":")[1]}`;
    return { epci: "Intercommunalité", department: "Département", region: "Région", adhoc: "Liste de communes" }[item.scale] || item.scale;
  };

  input.addEventListener("input", async () => {
    delete input.dataset.id;  // typed text is not a chosen territory
    const text = input.value.trim();
    const ticket = ++pending;
    if (text.length < 2) return close();
    let found = [];
    try { found = await api("/api/perimeters/", new URLSearchParams({ q: text, size: "8" })); } catch { found = []; }
    if (ticket !== pending) return;  // an older answer
    items = found;
    list.replaceChildren(...found.map((item, i) => {
      const li = el("li", { id: `territoire-option-${i}`, role: "option", "aria-selected": "false" },
        el("span", { text: item.name }), " ", el("span", { class: "combobox__hint", text: describe(item) }));
      li.addEventListener("mousedown", (event) => { event.preventDefault(); choose(i); });
      return li;
    }));
    list.hidden = found.length === 0;
    input.setAttribute("aria-expanded", found.length ? "true" : "false");
    active = -1;
  });
  input.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown") { event.preventDefault(); highlight(Math.min(active + 1, items.length - 1)); }
    else if (event.key === "ArrowUp") { event.preventDefault(); highlight(Math.max(active - 1, 0)); }
    else if (event.key === "Enter" && active >= 0) { event.preventDefault(); choose(active); }
    else if (event.key === "Escape") { event.preventDefault(); close(); }
  });
  input.addEventListener("blur", () => setTimeout(close, 100));
}

// ------------------------------------------------------------------------------ results
const dateFormat = new Intl.DateTimeFormat("fr-FR", { day: "numeric", month: "long", year: "numeric" });
function frenchDate(iso) { return iso ? dateFormat.format(new Date(iso + "T12:00:00")) : ""; }
function deadlineText(aid) {
  if (aid.submission_deadline) return `Date limite : ${frenchDate(aid.submission_deadline)}`;
  return aid.recurrence === "ongoing" ? "Aide permanente" : "Date limite non précisée";
}
function typeLabels(aid) { return (aid.aid_types || []).map((t) => labels.types[t] || t); }
function backers(aid) { return (aid.financers || []).join(", "); }
const SCALE_WHY = {
  commune: "la commune", epci: "l’intercommunalité", department: "le département", region: "la région",
  adhoc: "la liste de communes", mainland: "la France métropolitaine", overseas: "l’outre-mer",
  country: "toute la France", continent: "l’Europe",
};
function whyText(why, aid) {
  if (!why) return "";
  const parts = [];
  if (why.perimeter) {
    // `epci:242900801 via commune 29103`: the aid's perimeter, named, and how it covers the place.
    const scale = why.perimeter.split(":")[0];
    const where = SCALE_WHY[scale] || scale;
    parts.push(["country", "continent", "mainland", "overseas"].includes(scale) ? `ouverte à ${where}` : `ouverte à ${where} ${aid.perimeter_name || ""}`.trim());
  }
  const words = Object.values(why.matched || {}).flat();
  if (words.length) parts.push(`mots trouvés : ${[...new Set(words)].join(", ")}`);
  return parts.length ? `Pourquoi cette aide : ${parts.join(" ; ")}` : "";
}

function card(aid, state) {
  const link = el("a", { href: urlOf({ ...state, aide: aid.id }), "data-aide": aid.id, text: aid.name });
  const tags = el("ul", { class: "fr-badges-group" }, ...typeLabels(aid).map((label) => el("li", {}, el("p", { class: "fr-badge fr-badge--sm fr-badge--info", text: label }))));
  return el("li", { class: "fr-col-12 fr-col-md-6" },
    el("div", { class: "fr-card fr-enlarge-link carte" },
      el("div", { class: "fr-card__body" },
        el("div", { class: "fr-card__content" },
          el("h3", { class: "fr-card__title" }, link),
          aid.snippet ? el("p", { class: "fr-card__desc carte__snippet", html: aid.snippet }) : null,
          el("div", { class: "fr-card__start" }, tags,
            el("p", { class: "fr-card__detail fr-icon-bank-line", text: backers(aid) || "Porteur non précisé" })),
          el("div", { class: "fr-card__end" },
            el("p", { class: "fr-card__detail fr-icon-map-pin-2-line", text: aid.perimeter_name || aid.perimeter }),
            el("p", { class: "fr-card__detail fr-icon-calendar-line", text: deadlineText(aid) }),
            aid.why ? el("p", { class: "fr-card__detail carte__pourquoi", text: whyText(aid.why, aid) }) : null)))));
}

function pagination(count, state) {
  const pages = Math.ceil(count / PAGE_SIZE);
  const nav = $("pagination");
  nav.replaceChildren();
  if (pages <= 1) return;
  const item = (page, text, attributes = {}) => {
    const current = page === state.page && !attributes.class;
    const link = el("a", { class: attributes.class || "fr-pagination__link", href: page ? urlOf({ ...state, page }) : null,
                          "aria-current": current ? "page" : null, "aria-disabled": page ? null : "true",
                          title: attributes.title, "data-page": page || null, text });
    return el("li", {}, link);
  };
  const first = Math.max(1, Math.min(state.page - 2, pages - 4));
  const numbers = [];
  for (let p = first; p <= Math.min(pages, first + 4); p++) numbers.push(item(p, String(p), { title: `Page ${p}` }));
  nav.append(el("ul", { class: "fr-pagination__list" },
    item(state.page > 1 ? state.page - 1 : 0, "Page précédente", { class: "fr-pagination__link fr-pagination__link--prev fr-pagination__link--lg-label" }),
    ...numbers,
    item(state.page < pages ? state.page + 1 : 0, "Page suivante", { class: "fr-pagination__link fr-pagination__link--next fr-pagination__link--lg-label" })));
}

function themeBoxes(facets, state) {
  const counts = (facets && facets.themes) || {};
  const boxes = labels.themes.map((theme) => {
    const id = `theme-${theme.id}`;
    const count = counts[theme.id] || 0;
    return el("div", { class: "fr-checkbox-group fr-checkbox-group--sm" },
      el("input", { type: "checkbox", id, name: "theme", value: theme.id, checked: state.themes.includes(theme.id) }),
      el("label", { class: "fr-label", for: id, text: `${theme.name} (${count})` }));
  });
  const focused = document.activeElement && document.activeElement.id;
  $("thematiques-liste").replaceChildren(...boxes);
  if (focused && focused.startsWith("theme-") && $(focused)) $(focused).focus();  // keyboard users stay put
}

async function render(state, moveFocus) {
  fillForm(state);
  $("erreur").hidden = true;
  if (state.aide) return showAid(state, moveFocus);
  $("fiche").hidden = true;
  $("zone-resultats").hidden = false;
  $("statut").textContent = "Recherche en cours…";
  try {
    const page = await api("/api/aids/", apiParams(state));
    themeBoxes(page.facets, state);
    const first = (state.page - 1) * PAGE_SIZE + 1;
    $("statut").textContent = page.count === 0 ? "Aucune aide ne correspond à cette recherche."
      : `${page.count} aide${page.count > 1 ? "s" : ""} trouvée${page.count > 1 ? "s" : ""}` +
        (page.results.length ? `, ${first} à ${first + page.results.length - 1} affichées` : "") +
        (page.suggestion ? `. Vouliez-vous dire « ${page.suggestion} » ?` : "");
    $("resultats").replaceChildren(...page.results.map((aid) => card(aid, state)));
    pagination(page.count, state);
    if (moveFocus) $("resultats-titre").focus();
  } catch (error) {
    $("statut").textContent = "";
    $("resultats").replaceChildren();
    $("pagination").replaceChildren();
    $("erreur").querySelector("p").textContent = `La recherche n’a pas abouti : ${error.message}`;
    $("erreur").hidden = false;
  }
}

// Descriptions are HTML from the catalogue: their paragraphs' text is shown, never their markup.
function paragraphs(html, fallback) {
  const body = new DOMParser().parseFromString(html || "", "text/html").body;
  const blocks = [...body.querySelectorAll("p, li")].map((node) => node.textContent.trim()).filter(Boolean);
  const texts = blocks.length ? blocks : [body.textContent.trim() || fallback];
  return texts.map((text) => el("p", { text }));
}

async function showAid(state, moveFocus) {
  $("zone-resultats").hidden = true;
  const fiche = $("fiche");
  $("fiche-retour").href = urlOf({ ...state, aide: "" });
  try {
    const aid = await api(`/api/aids/${encodeURIComponent(state.aide)}/`);
    document.title = `${aid.name} – Aides aux collectivités`;
    $("fiche-titre").textContent = aid.name;
    $("fiche-tags").replaceChildren(...typeLabels(aid).map((label) => el("p", { class: "fr-tag", text: label })));
    const rows = [["Porteurs", backers(aid)], ["Instructeurs", (aid.instructors || []).join(", ")],
                  ["Territoire", aid.perimeter_name || aid.perimeter], ["Échéance", deadlineText(aid).replace("Date limite : ", "")],
                  ["Programmes", (aid.programs || []).map((p) => labels.programs[p] || p).join(", ")]];
    $("fiche-infos").replaceChildren(...rows.filter(([, value]) => value).flatMap(([term, value]) => [el("dt", { text: term }), el("dd", { text: value })]));
    $("fiche-description").replaceChildren(...paragraphs(aid.description, "Non précisée."));
    $("fiche-eligibilite").replaceChildren(...paragraphs(aid.eligibility, "Non précisées."));
    $("fiche-lien").replaceChildren(aid.url ? el("a", { class: "fr-link", href: aid.url, rel: "noopener", text: "Voir la fiche d’origine" }) : "");
    fiche.hidden = false;
    if (moveFocus) $("fiche-titre").focus();
  } catch (error) {
    fiche.hidden = true;
    $("erreur").querySelector("p").textContent = `Aide introuvable : ${error.message}`;
    $("erreur").hidden = false;
  }
}

// ------------------------------------------------------------------------------ start
async function start() {
  const [types, themes, programs] = await Promise.all([
    api("/api/aids/types/"), api("/api/themes/"), api("/api/programs/")]);
  for (const t of types) labels.types[t.id] = t.name;
  labels.themes = themes;
  for (const p of programs) labels.programs[p.id] = p.name;
  $("programme").append(...programs.map((p) => el("option", { value: p.id, text: `${p.name} (${p.count})` })));
  if (portalSlug) {
    const portal = await api(`/api/portals/${portalSlug}/`);
    $("titre").textContent = portal.name;
    document.title = `${portal.name} – Aides aux collectivités`;
    $("portail-intro").textContent = "Les aides du programme, mises en avant en premier.";
    $("portail-intro").hidden = false;
  }
  setupAutocomplete();
  $("recherche").addEventListener("submit", (event) => { event.preventDefault(); go(stateFromForm()); });
  $("recherche").addEventListener("change", (event) => {
    if (event.target.name === "theme") go(stateFromForm(), false);  // a ticked theme searches at once
  });
  $("effacer").addEventListener("click", (event) => {
    event.preventDefault();
    go({ territoire: "", lieu: "", texte: "", type: "", echeance: "", programme: "", themes: [], page: 1, aide: "" });
  });
  document.addEventListener("click", (event) => {
    const link = event.target.closest("a[data-page], a[data-aide], #fiche-retour");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    history.pushState(null, "", link.getAttribute("href"));
    render(stateFromUrl(), true);
  });
  window.addEventListener("popstate", () => render(stateFromUrl(), false));
  await render(stateFromUrl(), false);
  document.body.dataset.ready = "true";
}

start().catch((error) => {
  $("erreur").querySelector("p").textContent = `La page n’a pas pu démarrer : ${error.message}`;
  $("erreur").hidden = false;
});
