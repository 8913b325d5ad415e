// The masthead's date, once the day has changed: see partials/masthead.html.
const time = document.querySelector("time[data-today]");

function ordinal(day) {
  if (day % 100 >= 11 && day % 100 <= 13) return `${day}th`;
  return `${day}${{ 1: "st", 2: "nd", 3: "rd" }[day % 10] ?? "th"}`;
}

function editionDate(moment, locale, timeZone) {
  if (!locale.startsWith("en")) return new Intl.DateTimeFormat(locale, { timeZone, dateStyle: "full" }).format(moment);
  const parts = Object.fromEntries(new Intl.DateTimeFormat(locale, {
    timeZone, weekday: "long", month: "long", day: "numeric", year: "numeric",
  }).formatToParts(moment).map((part) => [part.type, part.value]));
  return `${parts.weekday}, ${parts.month} ${ordinal(Number(parts.day))} ${parts.year}`;
}

if (time) {
  const { locale, timeZone } = time.dataset;
  const now = new Date();
  const today = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
    .format(now);  // YYYY-MM-DD
  if (today !== time.dateTime) {
    time.dateTime = today;
    time.textContent = editionDate(now, locale, timeZone);
  }
}
