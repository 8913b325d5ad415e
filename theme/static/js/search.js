// Search page: queries the Pagefind index of this page's language (Pagefind
// picks it from <html lang>) and lists the matching stories.  Without this
// script the page shows links to browse the paper instead.
const root = document.querySelector("[data-search]");
const form = root.querySelector(".search-form");
const input = form.querySelector("input[name=q]");
const status = root.querySelector(".search-status");
const list = root.querySelector(".search-results");
const strings = root.dataset;
const MAX_RESULTS = 20;

function say(template, values) {
  return template.replace(/\{(\w+)\}/g, (_, name) => values[name] ?? "");
}

function countText(count, query) {
  if (count === 0) return say(strings.noResults, { query });
  if (count === 1) return say(strings.oneResult, { query });
  return say(strings.manyResults, { count: count.toLocaleString(document.documentElement.lang), query });
}

function render(results) {
  list.replaceChildren(...results.map((result) => {
    const item = document.createElement("li");
    const link = document.createElement("a");
    link.href = result.url;
    link.textContent = result.meta.title;
    const heading = document.createElement("h2");
    heading.className = "search-result-headline";
    heading.append(link);
    const excerpt = document.createElement("p");
    excerpt.className = "search-result-excerpt";
    // Pagefind escapes the page text and adds only <mark> around matches.
    excerpt.innerHTML = result.excerpt;
    item.append(heading, excerpt);
    return item;
  }));
  list.hidden = results.length === 0;
}

let pagefind;
let latest = 0;

async function search(query) {
  const ticket = ++latest;
  query = query.trim();
  const url = new URL(location.href);
  if (query) url.searchParams.set("q", query); else url.searchParams.delete("q");
  history.replaceState(null, "", url);
  if (!query) {
    status.textContent = "";
    render([]);
    return;
  }
  status.textContent = strings.searching;
  const found = await pagefind.search(query);
  const results = await Promise.all(found.results.slice(0, MAX_RESULTS).map((result) => result.data()));
  if (ticket !== latest) return;
  render(results);
  status.textContent = countText(found.results.length, query);
}

async function start() {
  try {
    pagefind = await import(strings.bundle + "pagefind.js");
    await pagefind.options({ baseUrl: new URL(strings.bundle, location.href).pathname.replace(/pagefind\/$/, "") });
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
  const query = new URLSearchParams(location.search).get("q");
  if (query) {
    input.value = query;
    search(query);
  } else {
    input.focus();
  }
}

start();
