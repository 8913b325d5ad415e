// Search page: queries the Pagefind indexes of this page's edition (one per
// chunk of months, listed newest first in the edition's chunks.json:
// plugins/search_index.py, PAGEFIND_CHUNK_STORIES)
// and lists the matching stories, a page of results at a time, with their
// section, date and an excerpt of the story's text.  Without this script the
// page shows links to browse the paper instead.
const root = document.querySelector("[data-search]");
const form = root.querySelector(".search-form");
const input = form.querySelector("input[name=q]");
const sortChoice = form.querySelector("select[name=sort]");
const status = root.querySelector(".search-status");
const list = root.querySelector(".search-results");
const more = root.querySelector(".search-more");
const moreButton = more.querySelector("button");
const shownText = more.querySelector(".search-shown");
const strings = root.dataset;
const numbers = new Intl.NumberFormat(strings.numberLocale);
const PAGE_SIZE = 10;
const EXCERPT_WORDS = 30;
// The story text starts at this element of the article (templates/article.html);
// the words before it are the headline.
const BODY_ANCHOR = "story-text";
// A word that ends a sentence: . ! ? and the Urdu full stop and question mark,
// maybe followed by a closing quotation mark.
const SENTENCE_END = /[.!?۔؟][’‘”“"']?$/;

function say(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

function countText(count, query) {
  if (count === 0) return say(strings.noResults, { query });
  if (count === 1) return say(strings.oneResult, { query });
  return say(strings.manyResults, { count: numbers.format(count), query });
}

// Pagefind's words of the page: split as Pagefind counts them (by zero-width
// spaces where it segmented the text itself, else by white space).
function wordsOf(data) {
  const text = data.raw_content.replace(/&lt;/g, "<").replace(/&gt;/g, ">");
  return text.includes("\u200B") ? text.split("\u200B") : text.split(/[\r\n\s]+/g);
}

// The densest run of matches in the story's text (not in its headline, which
// the result already shows), or the text's first words when only the
// headline matched.
function excerptOf(data) {
  const words = wordsOf(data);
  const anchor = (data.anchors || []).find((a) => a.id === BODY_ANCHOR);
  const start = anchor ? anchor.location : 0;
  const hits = (data.weighted_locations || []).filter((hit) => hit.location >= start);
  let from = start;
  if (hits.length) {
    let best = -1;
    for (const hit of hits) {
      const windowStart = Math.max(start, hit.location - 5);
      const score = hits
        .filter((other) => other.location >= windowStart && other.location < windowStart + EXCERPT_WORDS)
        .reduce((sum, other) => sum + other.balanced_score, 0);
      if (score > best) {
        best = score;
        from = windowStart;
      }
    }
    // Start at the beginning of the sentence when it is near.
    for (let index = from; index > Math.max(start, from - 12); index -= 1) {
      if (SENTENCE_END.test(words[index - 1])) {
        from = index;
        break;
      }
    }
  }
  const to = Math.min(words.length, from + EXCERPT_WORDS);
  const marked = new Set(hits.map((hit) => hit.location));
  const excerpt = document.createElement("p");
  excerpt.className = "search-result-excerpt";
  if (from > start) excerpt.append("… ");
  for (let index = from; index < to; index += 1) {
    if (index > from) excerpt.append(" ");
    if (marked.has(index)) {
      const mark = document.createElement("mark");
      mark.textContent = words[index];
      excerpt.append(mark);
    } else {
      excerpt.append(words[index]);
    }
  }
  if (to < words.length) excerpt.append(" …");
  return excerpt;
}

function resultItem(data) {
  const item = document.createElement("li");
  const meta = document.createElement("p");
  meta.className = "search-result-meta";
  if (data.meta.section) {
    const section = document.createElement("span");
    section.className = "search-result-section";
    section.textContent = data.meta.section;
    meta.append(section);
  }
  if (data.meta.date) {
    const time = document.createElement("time");
    time.dateTime = data.meta.date_iso || "";
    time.textContent = data.meta.date;
    meta.append(time);
  }
  const link = document.createElement("a");
  link.href = data.url;
  link.textContent = data.meta.title;
  const heading = document.createElement("h2");
  heading.className = "search-result-headline";
  heading.append(link);
  item.append(heading, meta, excerptOf(data));
  return item;
}

let indexes = [];
let latest = 0;
let current = { results: [], shown: 0 };

function showProgress() {
  const { results, shown } = current;
  more.hidden = results.length <= PAGE_SIZE;
  moreButton.hidden = shown >= results.length;
  shownText.textContent = say(strings.shown, { shown: numbers.format(shown), count: numbers.format(results.length) });
}

async function showMore(ticket) {
  const { results, shown } = current;
  const batch = await Promise.all(results.slice(shown, shown + PAGE_SIZE).map((result) => result.data()));
  if (ticket !== latest) return null;
  const items = batch.map(resultItem);
  list.append(...items);
  current.shown = shown + batch.length;
  list.hidden = current.shown === 0;
  showProgress();
  return items[0] || null;
}

function options() {
  const chosen = {};
  if (sortChoice.value === "newest") chosen.sort = { date: "desc" };
  return chosen;
}

// Every chunk's results, merged: newest first is each chunk's in turn (the
// chunks cover months that do not overlap, newest first), most relevant first
// is by Pagefind's score.
async function searchIndexes(query, chosen) {
  const found = await Promise.all(indexes.map((index) => index.search(query, chosen)));
  const results = found.flatMap((one) => one.results);
  if (!chosen.sort) results.sort((a, b) => b.score - a.score);
  return { results };
}

function remember(query) {
  const url = new URL(location.href);
  for (const [name, value] of [["q", query], ["sort", sortChoice.value]]) {
    if (value) url.searchParams.set(name, value); else url.searchParams.delete(name);
  }
  history.replaceState(null, "", url);
}

async function search(query) {
  const ticket = ++latest;
  query = query.trim();
  remember(query);
  list.replaceChildren();
  list.hidden = true;
  more.hidden = true;
  if (!query) {
    status.textContent = "";
    return;
  }
  status.textContent = strings.searching;
  try {
    const found = await searchIndexes(query, options());
    if (ticket !== latest || !found) return;
    current = { results: found.results, shown: 0 };
    await showMore(ticket);
    if (ticket !== latest) return;
    status.textContent = countText(found.results.length, query);
  } catch (error) {
    // The index or its WebAssembly did not load (a host's policy, the network).
    if (ticket === latest) status.textContent = strings.failed;
    throw error;
  }
}

async function start() {
  try {
    const bundles = new URL(strings.bundles, location.href);
    const response = await fetch(new URL("chunks.json", bundles));
    if (!response.ok) throw new Error(`${response.url}: ${response.status}`);
    const { chunks } = await response.json();
    const baseUrl = new URL(strings.site, location.href).pathname;
    // Each chunk's own copy of pagefind.js, a module of its own: instances of
    // one module share its WebAssembly's memory and break each other's
    // searches ("memory access out of bounds", Pagefind 1.5.2).
    indexes = await Promise.all(chunks.map(async (chunk) => {
      const index = await import(new URL(`${chunk}/pagefind.js`, bundles).href);
      await index.options({ baseUrl });
      return index;
    }));
  } catch (error) {
    status.textContent = strings.failed;
    return;
  }
  root.querySelector(".search-fallback").hidden = true;
  form.hidden = false;
  let timer;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = setTimeout(() => search(input.value), 250);
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    clearTimeout(timer);
    search(input.value);
  });
  sortChoice.addEventListener("change", () => search(input.value));
  moreButton.addEventListener("click", async () => {
    if (moreButton.disabled) return;
    moreButton.disabled = true;
    try {
      const first = await showMore(latest);
      // Keyboard and screen-reader users continue from the first new result.
      first?.querySelector("a")?.focus();
    } finally {
      moreButton.disabled = false;
    }
  });
  const params = new URLSearchParams(location.search);
  sortChoice.value = params.get("sort") === "newest" ? "newest" : "";
  const query = params.get("q");
  if (query) {
    input.value = query;
    search(query);
  } else {
    input.focus();
  }
}

start();
