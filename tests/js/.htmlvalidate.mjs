// html-validate configuration of the web pages' HTML (tests/js/web.test.mjs
// loads it; the html-validate CLI finds it too when run in tests/js).
//
// The pages are held to html-validate's "recommended" preset: valid HTML5, the
// document rules, the WCAG-related rules and the recommended style. Each rule
// relaxed here says why beside it.
export default {
    root: true,
    extends: ["html-validate:recommended"],
    rules: {
        // Search-engine advice (results cut titles at about 70 characters). The
        // pages are an internal application, not indexed, and a detail page's
        // title is "ID record-title · organization · isms", where the record's
        // title alone may have 200 characters: it would fail on real data.
        "long-title": "off",
    },
};
