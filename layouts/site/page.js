(function () {
  var doc = document.documentElement;
  doc.className += " js";
  // The quick exit (GOV.UK's "Exit this page"): the button, Escape, or Shift three times within
  // five seconds hide the page at once and put a neutral site in its place in the history.
  var button = document.getElementById("exit");
  var shifts = 0, timer = null;
  function leave(event) {
    if (event) { event.preventDefault(); }
    document.body.style.display = "none";
    document.title = "";
    window.location.replace(button.href);
  }
  button.addEventListener("click", leave);
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { shifts = 0; return; }
    shifts += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { shifts = 0; }, 5000);
    if (shifts >= 3) { shifts = 0; leave(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" || event.key === "Esc") { leave(event); }
  });
  // "Open now": from each line's hours (days 0 = Monday, minutes), in Belgian time.
  var words = document.getElementById("open-words");
  if (words && window.Intl) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {timeZone: "Europe/Brussels", weekday: "short", hour: "2-digit",
      minute: "2-digit", hourCycle: "h23"}).formatToParts(new Date()).forEach(function (p) { parts[p.type] = p.value; });
    var today = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].indexOf(parts.weekday);
    var now = today * 1440 + (+parts.hour) * 60 + (+parts.minute);
    var names = words.getAttribute("data-days").split("|");
    var clock = function (m, closing) {
      if (closing && m % 1440 === 0) { return "24:00"; }
      m %= 1440;
      return (m < 600 ? "0" : "") + Math.floor(m / 60) + ":" + (m % 60 < 10 ? "0" : "") + m % 60;
    };
    var spans = document.querySelectorAll(".now[data-hours]");
    for (var i = 0; i < spans.length; i++) {
      var periods = [];  // [start, end) in minutes of the week, Monday 00:00 = 0
      JSON.parse(spans[i].getAttribute("data-hours")).forEach(function (h) {
        h[0].forEach(function (d) { periods.push([d * 1440 + h[1], d * 1440 + h[2]]); });
      });
      var containing = function (t) {
        t %= 10080;
        return periods.filter(function (p) { return p[0] <= t && t < p[1]; })[0];
      };
      var open = null, next = null, t = now, p;
      while ((p = containing(t)) && t - now < 10080) { t += p[1] - t % 10080; }  // periods without a gap make one
      if (t > now) { open = t - now >= 10080 ? Infinity : t; }
      periods.forEach(function (p) {
        var start = p[0] > now ? p[0] : p[0] + 10080;
        if (next === null || start < next) { next = start; }
      });
      var text = "";
      if (open === Infinity) { text = words.getAttribute("data-open"); }
      else if (open !== null) { text = words.getAttribute("data-open") + " · " + words.getAttribute("data-closes").replace("{time}", clock(open, true)); }
      else if (next !== null) {
        text = words.getAttribute("data-closed") + " · " + words.getAttribute("data-opens")
          .replace("{day}", names[Math.floor(next / 1440) % 7]).replace("{time}", clock(next, false));
      }
      if (text) { spans[i].textContent = text; spans[i].className = open !== null ? "now open" : "now"; spans[i].hidden = false; }
    }
  }
  // Offline once visited: the service worker keeps the pages and files of this site a reader opened.
  if ("serviceWorker" in navigator && location.protocol !== "file:") {
    navigator.serviceWorker.register(doc.getAttribute("data-root") + "sw.js").catch(function () {});
  }
})();
