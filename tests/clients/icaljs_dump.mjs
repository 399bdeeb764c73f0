// Print how Mozilla's ical.js (the parser inside Thunderbird) reads every VEVENT of an .ics file.
//
// Usage: node icaljs_dump.mjs ICAL_JS_ENTRY FILE.ics
// ICAL_JS_ENTRY is the ES module file of an installed ical.js 2 (its package.json "exports.import"):
// the package lives in a cache outside the work tree, where a bare import "ical.js" would not look.
// Output: a JSON array of {uid, summary, start, end}, start and end as UTC ISO 8601 strings.
//
// The file's VTIMEZONEs are registered with ICAL.TimezoneService, as Thunderbird does, before any
// date is read; ical.js parses values lazily, so registering first makes every TZID resolvable.
// A DTSTART or DTEND whose TZID ical.js could not resolve would silently become floating time
// (read in the process's local zone), so that case is an error here, not a shifted instant, and
// so are dates and floating times, which have no single instant to compare.
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";

const [, , icalJsEntry, icsPath] = process.argv;
const { default: ICAL } = await import(pathToFileURL(icalJsEntry).href);

function utcIso(time, property) {
  const tzid = property.getParameter("tzid");
  const resolved = tzid ? time.zone?.tzid === tzid : time.zone === ICAL.Timezone.utcTimezone;
  if (time.isDate || !resolved) {
    const why = tzid ? `its TZID ${tzid} was not resolved` : "it is a date or floating time";
    throw new Error(`ical.js: ${property.name} ${property.toICALString()}: ${why}`);
  }
  return time.toJSDate().toISOString();
}

const calendar = new ICAL.Component(ICAL.parse(readFileSync(icsPath, "utf8")));
for (const vtimezone of calendar.getAllSubcomponents("vtimezone")) {
  ICAL.TimezoneService.register(vtimezone);
}
const events = calendar.getAllSubcomponents("vevent").map((vevent) => {
  const event = new ICAL.Event(vevent);
  return {
    uid: event.uid,
    summary: event.summary,
    start: utcIso(event.startDate, vevent.getFirstProperty("dtstart")),
    end: utcIso(event.endDate, vevent.getFirstProperty("dtend")),
  };
});
process.stdout.write(JSON.stringify(events));
