// A button that gets a file from the kernel and hands it to the browser in the same click:
// "download" saves it under its name, "open" shows it in a new tab (ready to print).
// The kernel makes the file when asked (so it is never stale); the click's own user
// activation covers the short round trip, so no second click and no pop-up warning.
function render({ model, el }) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "jupyter-widgets jupyter-button widget-button backcare-file-button-face";
  button.style.width = "auto"; // as wide as its words
  button.style.whiteSpace = "nowrap";
  const draw = () => {
    button.textContent = "";
    const icon = model.get("icon");
    if (icon) {
      const i = document.createElement("i");
      i.className = `fa fa-${icon}`;
      i.setAttribute("aria-hidden", "true");
      button.appendChild(i);
      button.appendChild(document.createTextNode(" "));
    }
    button.appendChild(document.createTextNode(model.get("description")));
    button.title = model.get("hint") || "";
    button.disabled = !!model.get("disabled");
    button.classList.toggle("mod-primary", model.get("button_style") === "primary");
  };
  draw();
  for (const name of ["description", "icon", "hint", "disabled", "button_style"]) {
    model.on(`change:${name}`, draw);
  }
  let pending = null;
  button.addEventListener("click", () => {
    pending = `${Date.now()}-${Math.random()}`;
    button.setAttribute("aria-busy", "true");
    model.send({ type: "request", id: pending });
  });
  const receive = (msg, buffers) => {
    if (!msg || msg.id !== pending) return; // another view's click
    pending = null;
    button.removeAttribute("aria-busy");
    if (msg.type !== "file" || !buffers || !buffers.length) return; // the page says why
    const url = URL.createObjectURL(new Blob([buffers[0]], { type: msg.mime }));
    if (msg.mode === "open") {
      window.open(url, "_blank");
    } else {
      const link = document.createElement("a");
      link.href = url;
      link.download = msg.filename;
      link.style.display = "none";
      document.body.appendChild(link);
      link.click();
      link.remove();
    }
    setTimeout(() => URL.revokeObjectURL(url), 120000);
  };
  model.on("msg:custom", receive);
  el.appendChild(button);
  return () => model.off("msg:custom", receive);
}
export default { render };
