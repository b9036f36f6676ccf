// Long actions (a team plan, retraining the models) say that they are running: the form
// is marked busy, its button is disabled and a status line tells screen readers too.
document.addEventListener("submit", (event) => {
  const form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.dataset.busy) return;
  form.setAttribute("aria-busy", "true");
  const button = form.querySelector("button[type=submit]");
  if (button) button.disabled = true;
  const status = document.createElement("p");
  status.className = "notice busy";
  status.setAttribute("role", "status");
  status.textContent = form.dataset.busy;
  form.append(status);
});
