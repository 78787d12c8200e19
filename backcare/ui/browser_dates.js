// Reads how this browser writes a date and a time (the order of day, month and year, the
// separator, and a 12- or 24-hour clock): the same convention its date pickers show, so
// the kernel can write every date the same way. Shows nothing.
function render({ model, el }) {
  el.classList.add("backcare-browser-dates");
  let order = "";
  let separator = "/";
  let hour12 = false;
  try {
    const sample = new Date(2033, 10, 22, 15, 4); // 22 Nov 2033: day, month, year all differ
    const parts = new Intl.DateTimeFormat(undefined, {
      year: "numeric", month: "2-digit", day: "2-digit",
    }).formatToParts(sample);
    order = parts.filter((p) => ["day", "month", "year"].includes(p.type))
      .map((p) => p.type[0].toUpperCase()).join("");
    const literal = parts.find((p) => p.type === "literal");
    separator = literal ? literal.value.trim() || "/" : "/";
    hour12 = new Intl.DateTimeFormat(undefined, { hour: "numeric" }).resolvedOptions().hour12 === true;
  } catch (error) {
    order = "";
  }
  const style = { order, separator, hour12 };
  if (order && JSON.stringify(model.get("convention")) !== JSON.stringify(style)) {
    model.set("convention", style);
    model.save_changes();
  }
}

export default { render };
