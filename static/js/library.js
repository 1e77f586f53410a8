// Content library: caption character counters and the "for everyone" toggle. No inline JS (CSP).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("textarea[data-limit]").forEach((area) => {
    const limit = parseInt(area.dataset.limit, 10);
    const counter = document.createElement("span");
    counter.className = "char-count";
    counter.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", counter);
    const update = () => {
      const count = [...area.value].length;
      counter.textContent = `${count} / ${limit}`;
      counter.classList.toggle("over", count > limit);
    };
    area.addEventListener("input", update);
    update();
  });
  const everyone = document.getElementById("id_target_everyone");
  const teams = document.getElementById("id_target_teams");
  if (everyone && teams) {
    const teamsField = teams.closest(".field") || teams.closest("fieldset") || teams;
    const sync = () => { teamsField.hidden = everyone.checked; };
    everyone.addEventListener("change", sync);
    sync();
  }
});

// Review queue: one checkbox selects every item on the page.
document.addEventListener("DOMContentLoaded", () => {
  const all = document.getElementById("select-all");
  if (!all) return;
  all.hidden = false;
  all.addEventListener("change", () => {
    document.querySelectorAll('input[name="items"]').forEach((box) => { box.checked = all.checked; });
  });
});
