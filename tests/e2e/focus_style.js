// Run in the page after a Tab (tests/e2e/test_accessibility.py): how the focused element
// shows it has the focus, and whether that indicator stands out (3:1) from the colour behind it.
(() => {
  const el = document.activeElement;
  if (!el || el === document.body) return null;
  const parse = c => {
    const m = c.match(/[\d.]+/g);
    return m ? m.slice(0, 4).map(Number) : null;
  };
  const lum = ([r, g, b]) => {
    const f = v => {
      v /= 255;
      return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
    };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  let bgEl = el.parentElement, bg = [255, 255, 255];
  while (bgEl) {
    const c = parse(getComputedStyle(bgEl).backgroundColor);
    if (c && (c.length < 4 || c[3] > 0)) { bg = c; break; }
    bgEl = bgEl.parentElement;
  }
  const s = getComputedStyle(el);
  const colours = [];
  if (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) >= 2) {
    colours.push(parse(s.outlineColor));
  }
  if (s.boxShadow && s.boxShadow !== "none") colours.push(parse(s.boxShadow));
  const best = Math.max(0, ...colours.filter(Boolean).map(c => ratio(c, bg)));
  return {html: el.outerHTML.slice(0, 100), indicators: colours.length, contrast: best};
})
