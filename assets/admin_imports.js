// The imports page (/admin/imports, dashboard/pages/admin_imports): the chosen file goes straight to
// POST /admin/imports/upload as multipart, with the session's CSRF token in a header, instead of in
// a Dash callback (whose body the server holds to 2 MB). The server's answer, {"job": id} or
// {"error": text}, goes into the page's store; a server callback polls the job from there.
window.dash_clientside = Object.assign({}, window.dash_clientside, {
  admin_imports: {
    upload: async function (contents, filename, school, kind, view) {
      if (!contents) { return window.dash_clientside.no_update; }
      const comma = contents.indexOf(",");
      const binary = atob(contents.slice(comma + 1));
      const bytes = new Uint8Array(binary.length);
      for (let i = 0; i < binary.length; i += 1) { bytes[i] = binary.charCodeAt(i); }
      const form = new FormData();
      form.append("school", school || "");
      form.append("kind", kind || "");
      form.append("file", new Blob([bytes]), filename || "upload");
      try {
        const response = await fetch("/admin/imports/upload", {
          method: "POST", body: form, credentials: "same-origin",
          headers: {"X-CSRF-Token": (view && view.csrf) || ""},
        });
        const answer = await response.json().catch(function () { return null; });
        if (answer && (answer.job || answer.error)) { return answer; }
        return {error: "HTTP " + response.status};
      } catch (err) {
        return {error: String(err)};
      }
    },
  },
});
