// The SPARQL workbench: YASGUI (vendored, see scripts/build-assets.sh) pointed at our /sparql,
// with prefix/class/property completion served by this app. YASGUI's own completers call
// prefix.cc and Linked Open Vocabularies; they are replaced, so no request leaves this site.
(function () {
  "use strict";
  var el = document.getElementById("yasgui");
  if (!el || typeof Yasgui === "undefined") return;
  var base = window.location.origin;
  var endpoint = base + el.dataset.endpoint;
  var completeUrl = el.dataset.complete;
  var Yasqe = Yasgui.Yasqe;
  var idBase = el.dataset.idBase, idLocal = el.dataset.idLocal;

  // kb's prefixes are predeclared on the server (kb.vocab.PREFIXES): teach the editor's
  // tokenizer too, so a query without PREFIX lines is not marked as an error.
  var known = {};
  var sparqlMode = Yasqe.modes && Yasqe.modes.sparql11;
  if (sparqlMode && Yasqe.defineMode) {
    Yasqe.defineMode("sparql11", function (config, parserConfig) {
      var mode = sparqlMode(config, parserConfig);
      var start = mode.startState;
      mode.startState = function () {
        var state = start.apply(mode, arguments);
        state.prefixes = Object.assign({}, known, state.prefixes);
        return state;
      };
      return mode;
    });
  }

  // Result IRIs minted by kb open their page in this app, not at w3id.org.
  function localize(root) {
    if (!idBase || !idLocal) return;
    root.querySelectorAll('a[href^="' + idBase + '"]').forEach(function (a) {
      a.setAttribute("href", idLocal + a.getAttribute("href").slice(idBase.length));
      a.removeAttribute("target");
    });
  }
  new MutationObserver(function () { localize(el); }).observe(el, { childList: true, subtree: true });

  function getJson(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { if (!r.ok) throw new Error(url + ": " + r.status); return r.json(); });
  }
  function terms(type) {
    return function (yasqe, token) {
      var q = (token && token.autocompletionString) || "";
      return getJson(completeUrl + "?type=" + type + "&q=" + encodeURIComponent(q));
    };
  }
  Yasqe.forkAutocompleter("prefixes", {
    name: "kbPrefixes",
    persistenceId: null,
    get: function () {
      return getJson(el.dataset.prefixes).then(function (map) {
        return Object.keys(map).sort().map(function (p) { return p + ": <" + map[p] + ">"; });
      });
    },
  }, false);
  Yasqe.forkAutocompleter("class", { name: "kbClass", get: terms("class") }, false);
  Yasqe.forkAutocompleter("property", { name: "kbProperty", get: terms("property") }, false);
  var completers = ["variables", "kbPrefixes", "kbClass", "kbProperty"];
  Yasqe.defaults.autocompleters = completers.slice();

  var params = new URLSearchParams(window.location.search);
  var yasgui = new Yasgui(el, {
    requestConfig: { endpoint: endpoint, method: "POST", acceptHeaderSelect: "application/sparql-results+json",
                     acceptHeaderGraph: "text/turtle" },
    copyEndpointOnNewTab: false,
    populateFromUrl: false,
    persistenceId: "kb-workbench",
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    yasqe: { autocompleters: completers, prefixCcApi: undefined, resizeable: true, editorHeight: "260px" },
  });
  window.kbYasgui = yasgui;  // for the browser tests and the curious
  getJson(el.dataset.prefixes).then(function (map) {
    Object.assign(known, map);
    var yasqe = yasgui.getTab().getYasqe();
    yasqe.setOption("mode", "sparql11");  // tokenize again, now knowing the prefixes
    yasqe.checkSyntax();
    document.body.dataset.prefixesReady = "true";
  });

  var permalink = document.getElementById("permalink");
  function updatePermalink() {
    var q = yasgui.getTab().getQuery();
    permalink.href = window.location.pathname + "?query=" + encodeURIComponent(q);
  }
  function run(text) {
    var tab = yasgui.getTab();
    tab.setQuery(text);
    updatePermalink();
    return tab.query();
  }

  var examples = {};
  getJson(el.dataset.examples).then(function (list) {
    list.forEach(function (q) { examples[q.id] = q.query; });
    document.querySelectorAll(".canned-query").forEach(function (button) {
      button.addEventListener("click", function () { run(examples[button.dataset.queryId]); });
    });
    document.body.dataset.examplesReady = "true";
    if (params.get("example") && examples[params.get("example")]) run(examples[params.get("example")]);
  });
  if (params.get("query")) run(params.get("query"));
  yasgui.getTab().getYasqe().on("change", updatePermalink);
  yasgui.on("tabSelect", function () { setTimeout(updatePermalink, 0); });
  updatePermalink();
})();
