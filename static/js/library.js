// Content library: caption character counters and the "for everyone" toggle. No inline JS (CSP).

// Caption length as each network counts it: mirrors ambassador.networks.caption_length in Python.
// The server check decides; this only keeps the live counter honest.
const AMB_URL_RE = /https?:\/\/[^\s<>"]+?(?=[.,:;!?)\]}'"»”’]*(?:\s|$))/giu;
const AMB_MENTION_RE = /(?<![/\p{L}\p{N}_])(@[\p{L}\p{N}_]+)@[\p{L}\p{N}_.-]*[\p{L}\p{N}_]/giu;
const AMB_X_LIGHT = [[0x0000, 0x10ff], [0x2000, 0x200d], [0x2010, 0x201f], [0x2032, 0x2037]];
// Grapheme clusters by Unicode text segmentation, as the server's regex \X finds them.
const AMB_GRAPHEMES = new Intl.Segmenter(undefined, { granularity: "grapheme" });
const ambClusters = (text) => Array.from(AMB_GRAPHEMES.segment(text), (part) => part.segment);
function ambIsEmojiCluster(cluster) {
  return [...cluster].some((char) => {
    const cp = char.codePointAt(0);
    return (cp >= 0x1f000 && cp <= 0x1faff) || (cp >= 0x2600 && cp <= 0x27bf) ||
      cp === 0xfe0f || cp === 0x20e3 || cp === 0x200d || (cp >= 0xe0020 && cp <= 0xe007f);
  });
}
function ambXTextLength(text) {
  let total = 0;
  for (const cluster of ambClusters(text)) {
    const chars = [...cluster];
    if (chars.length > 1 && ambIsEmojiCluster(cluster)) {
      total += 2;
    } else {
      for (const char of chars) {
        const cp = char.codePointAt(0);
        total += AMB_X_LIGHT.some(([low, high]) => cp >= low && cp <= high) ? 1 : 2;
      }
    }
  }
  return total;
}
function captionLength(network, text) {
  text = text.normalize("NFC");
  if (network === "X") {
    let total = 0;
    let position = 0;
    for (const match of text.matchAll(AMB_URL_RE)) {
      total += ambXTextLength(text.slice(position, match.index)) + 23;
      position = match.index + match[0].length;
    }
    return total + ambXTextLength(text.slice(position));
  }
  if (network === "MASTODON") {
    const local = text.replace(AMB_MENTION_RE, "$1");
    const urls = local.match(AMB_URL_RE) || [];
    return [...local.replace(AMB_URL_RE, "")].length + 23 * urls.length;
  }
  if (network === "BLUESKY") return ambClusters(text).length;
  return [...text].length;
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("textarea[data-limit]").forEach((area) => {
    const limit = parseInt(area.dataset.limit, 10);
    const counter = document.createElement("span");
    counter.className = "char-count";
    counter.setAttribute("aria-live", "polite");
    area.insertAdjacentElement("afterend", counter);
    const update = () => {
      const count = captionLength(area.dataset.network || "", area.value);
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
