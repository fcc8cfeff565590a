// GraphiQL for AiXplore's /api/graphiql page: POSTs to /api/graphql on this site only.
import React from "react";
import { createRoot } from "react-dom/client";
import { GraphiQL } from "graphiql";
import "graphiql/graphiql.css";
import "./accessible.css";

async function fetcher(params, options) {
  const response = await fetch("/api/graphql", {
    method: "POST",
    headers: { "Content-Type": "application/json", ...(options?.headers ?? {}) },
    body: JSON.stringify(params),
    credentials: "omit", // the API takes keys and tokens, never the site's cookie
  });
  return response.json();
}

const DEFAULT_QUERY = `# AiXplore's GraphQL API. Put your API key in Headers as
# {"Authorization": "Bearer axp_..."} to see what it may see.
{
  solutions(first: 5) {
    totalCount
    edges { node { name publisher { displayName } rating { average count } } }
  }
}
`;

// CodeMirror 5's hidden input areas have no names, and its scroll boxes cannot take focus:
// name each editor's input and make its scroll box reachable by keyboard (axe-core clean).
const EDITOR_NAMES = [
  [".graphiql-query-editor", "GraphQL query"],
  [".graphiql-editor-tool .graphiql-editor:nth-child(1)", "Variables (JSON)"],
  [".graphiql-editor-tool .graphiql-editor:nth-child(2)", "Headers (JSON)"],
  [".result-window", "Result"],
];

function nameEditors() {
  for (const [selector, name] of EDITOR_NAMES) {
    for (const box of document.querySelectorAll(selector)) {
      for (const input of box.querySelectorAll(".CodeMirror textarea:not([aria-label])")) {
        input.setAttribute("aria-label", name);
      }
      for (const scroller of box.querySelectorAll(".CodeMirror-scroll:not([tabindex=\"0\"])")) {
        scroller.setAttribute("tabindex", "0");
        scroller.setAttribute("aria-label", name);
      }
    }
  }
}

const root = document.getElementById("graphiql");
new MutationObserver(nameEditors).observe(root, { childList: true, subtree: true });
createRoot(root).render(
  <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} isHeadersEditorEnabled shouldPersistHeaders={false} />,
);
