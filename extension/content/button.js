// The floating "Save to Thrice" / "Save job to Thrice" button. It lives in an open shadow root
// so the site's CSS can't restyle it; styles are set through the CSSOM (element.style), which
// page CSPs that forbid inline <style> don't block. All text is set with textContent, and only
// trusted clicks (a person's, not a page script's element.click()) save anything.

const COLORS = {
  idle: ["#1f6f5c", "#ffffff"],
  busy: ["#5b6b66", "#ffffff"],
  saved: ["#e7f4ef", "#1f6f5c"],
  error: ["#fdecea", "#b42318"],
};

export const PROFILE_BUTTON = { hostId: "thrice-save-host", buttonId: "thrice-save", statusId: "thrice-status", label: "Save to Thrice" };
export const JOB_BUTTON = { hostId: "thrice-save-job-host", buttonId: "thrice-save-job", statusId: "thrice-save-job-status", label: "Save job to Thrice" };

export class SaveButton {
  /**
   * @param {Document} doc
   * @param {() => void} onClick
   * @param {{hostId: string, buttonId: string, statusId: string, label: string}} [ids]
   */
  constructor(doc, onClick, ids = PROFILE_BUTTON) {
    this.doc = doc;
    this.label = ids.label;
    this.host = doc.createElement("div");
    this.host.id = ids.hostId;
    // reset whatever the site's CSS says about divs, then place the box
    this.host.style.all = "initial";
    Object.assign(this.host.style, { position: "fixed", right: "20px", bottom: "20px", zIndex: "2147483647" });
    const root = this.host.attachShadow({ mode: "open" });
    this.button = doc.createElement("button");
    this.button.id = ids.buttonId;
    this.button.type = "button";
    Object.assign(this.button.style, {
      font: "600 13px/1.2 system-ui, -apple-system, 'Segoe UI', sans-serif",
      padding: "9px 14px",
      borderRadius: "18px",
      border: "1px solid #1f6f5c",
      boxShadow: "0 2px 8px rgba(0,0,0,.18)",
      cursor: "pointer",
      maxWidth: "320px",
    });
    this.status = doc.createElement("div");
    this.status.id = ids.statusId;
    this.status.setAttribute("role", "status");
    Object.assign(this.status.style, {
      font: "12px/1.3 system-ui, sans-serif",
      color: "#b42318",
      background: "#fff",
      marginBottom: "6px",
      padding: "6px 8px",
      borderRadius: "6px",
      maxWidth: "320px",
      display: "none",
      boxShadow: "0 1px 4px rgba(0,0,0,.15)",
    });
    this.button.addEventListener("click", (event) => {
      event.preventDefault();
      event.stopPropagation();
      // The shadow root is open, so the page can reach the button: a click it synthesises
      // (isTrusted false) must not save on the user's behalf.
      if (!event.isTrusted) return;
      if (this.state !== "busy") onClick();
    });
    root.append(this.status, this.button);
    this.setState("idle");
  }

  get connected() {
    return this.host.isConnected;
  }

  show() {
    if (!this.host.isConnected) (this.doc.body ?? this.doc.documentElement).append(this.host);
  }

  remove() {
    this.host.remove();
  }

  /** @param {"idle"|"busy"|"saved"|"error"} state @param {string} [message] */
  setState(state, message) {
    this.state = state;
    const [bg, fg] = COLORS[state] ?? COLORS.idle;
    this.button.style.background = bg;
    this.button.style.color = fg;
    this.button.disabled = state === "busy";
    this.button.dataset.state = state;
    if (state === "error") {
      this.button.textContent = this.label;
      this.status.textContent = message ?? "Could not save";
      this.status.style.display = "block";
    } else {
      this.button.textContent = state === "idle" ? this.label : message ?? "Saved";
      this.status.textContent = "";
      this.status.style.display = "none";
    }
  }
}
