// The masthead's date: today in the paper's time zone, as the reader opens the
// page.  The page carries the date of its build for readers without
// JavaScript; this replaces it only when the day has changed since.
const time = document.querySelector("time[data-today]");

function ordinal(day) {
  if (day % 100 >= 11 && day % 100 <= 13) return `${day}th`;
  return `${day}${{ 1: "st", 2: "nd", 3: "rd" }[day % 10] ?? "th"}`;
}

// The same words as the build's dates (plugins/dates.py, edition_date):
// "Friday, April 19th 2024" in English, CLDR's full date elsewhere.
function editionDate(moment, locale, timeZone) {
  if (locale.split("-")[0] === "en") {
    const parts = Object.fromEntries(new Intl.DateTimeFormat(locale, {
      timeZone, weekday: "long", month: "long", day: "numeric", year: "numeric",
    }).formatToParts(moment).map((part) => [part.type, part.value]));
    return `${parts.weekday}, ${parts.month} ${ordinal(Number(parts.day))} ${parts.year}`;
  }
  return new Intl.DateTimeFormat(locale, { timeZone, dateStyle: "full" }).format(moment);
}

if (time) {
  const { locale, timeZone } = time.dataset;
  const now = new Date();
  // YYYY-MM-DD of today where the paper is published.
  const today = new Intl.DateTimeFormat("en-CA", { timeZone, year: "numeric", month: "2-digit", day: "2-digit" })
    .format(now);
  if (today !== time.dateTime) {
    time.dateTime = today;
    time.textContent = editionDate(now, locale, timeZone);
  }
}
