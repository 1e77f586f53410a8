// Draws the reach charts from the JSON beside them (json_script: data, never code) with the
// vendored Chart.js. Every chart has a table with the same numbers; without JavaScript
// only the tables show. No inline scripts or styles (strict CSP).
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("[data-period-select]").forEach((select) => {
    const form = select.form;
    const sync = () => form.classList.toggle("is-custom", select.value === "custom");
    sync();
    select.addEventListener("change", () => {
      sync();
      if (select.value !== "custom") form.submit();
    });
  });

  if (typeof window.Chart === "undefined") return;
  const colours = ["#1f5f8b", "#e07a1f", "#3a9d5d", "#8e44ad", "#c0392b", "#7f8c8d"];
  document.querySelectorAll("figure[data-chart]").forEach((figure) => {
    const source = document.getElementById(figure.dataset.source);
    if (!source) return;
    const data = JSON.parse(source.textContent)[figure.dataset.chart];
    if (!data || !data.labels.length) return;
    const canvas = figure.querySelector("canvas");
    const kind = figure.dataset.kind === "bar" ? "bar" : "line";
    figure.classList.add("is-drawn");
    new window.Chart(canvas, {
      type: kind,
      data: {
        labels: data.labels,
        datasets: data.series.map((series, index) => ({
          label: series.label,
          data: series.values,
          borderColor: colours[index % colours.length],
          backgroundColor: colours[index % colours.length],
          tension: 0.2,
        })),
      },
      options: {
        responsive: true,
        maintainAspectRatio: false,
        animation: false,
        scales: { y: { beginAtZero: true } },
      },
    });
  });
});
