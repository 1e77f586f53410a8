// Sharing: copy the caption to the clipboard before opening a network that takes only a link.
document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("a[data-copy-then-go]").forEach((link) => {
    link.addEventListener("click", async (event) => {
      const source = document.getElementById(link.dataset.copyThenGo);
      if (!source) return;
      event.preventDefault();
      try {
        await navigator.clipboard.writeText(source.value);
      } catch (err) {
        // No clipboard access: the caption stays visible on the page to copy by hand.
      }
      window.location.assign(link.href);
    });
  });
});
