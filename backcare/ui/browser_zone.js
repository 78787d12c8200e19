// Reads the browser's time zone (an IANA name such as "America/New_York") and sends it to
// the kernel, which cannot see it. Shows nothing.
function render({ model, el }) {
  let zone = "";
  try {
    zone = Intl.DateTimeFormat().resolvedOptions().timeZone || "";
  } catch (error) {
    zone = "";
  }
  el.classList.add("backcare-browser-zone");
  el.dataset.zone = zone;
  if (zone && model.get("zone") !== zone) {
    model.set("zone", zone);
    model.save_changes();
  }
}

export default { render };
