/*!
 * Back-spasm assistant chat widget 1.0.0
 * Vanilla JavaScript, no dependencies, no network access other than the assistant's REST channel.
 *
 * Embed (both files are served from your own site, no CDN):
 *   <link rel="stylesheet" href="/widget/backspasm-widget-1.0.0.css">
 *   <script src="/widget/backspasm-widget-1.0.0.js" data-endpoint="https://assistant.example.org"
 *           data-title="Back care assistant" defer></script>
 * or, without data-endpoint on the tag:  window.BackSpasmWidget.init({ endpoint: "...", title: "..." });
 *
 * Talks to Rasa's REST channel: POST {endpoint}/webhooks/rest/webhook with {"sender", "message"} and gets a
 * list of {text, buttons: [{title, payload}], custom}. The sender id is a random 128-bit id made in this browser;
 * the transcript is kept in this browser only (localStorage), so it survives a reload and moving between pages.
 *
 * Safety: bot and user text are always rendered as text (DOM nodes and textContent, never innerHTML). Only
 * http(s) URLs become links; **bold** becomes <strong>; everything else shows exactly as written.
 */
(function (window, document) {
  "use strict";

  var VERSION = "1.0.0";
  var MAX_STORED_MESSAGES = 100;
  var REQUEST_TIMEOUT_MS = 20000;
  var PREFIX = "bsw";

  var DEFAULTS = {
    endpoint: "http://localhost:5005",
    title: "Back care assistant",
    subtitle: "General guidance, not a diagnosis. In an emergency, call 999.",
    // Sent (not shown) the first time the chat opens, so the assistant's own welcome and topic buttons appear.
    // Set to "" to start with an empty chat instead.
    greeting: "/greet",
    launcherLabel: "Chat with our back care assistant",
    placeholder: "Type your question",
    // The privacy line under the message box; this chat's code follows it (what the clinic needs to find it).
    privacy: "To get a copy of this chat or have it deleted, contact the clinic and give this chat code:",
    storageKey: "backspasm-widget",
    container: null
  };

  var ERROR_TEXT =
    "Sorry, the assistant can't be reached right now. Check your connection and try again. " +
    "If you need help urgently, call NHS 111, or 999 in an emergency.";

  // ---------------------------------------------------------------------------------------------------------
  // Small helpers

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text != null) node.textContent = String(text);
    return node;
  }

  function randomId() {
    var bytes = new Uint8Array(16);
    window.crypto.getRandomValues(bytes);
    var hex = "";
    for (var i = 0; i < bytes.length; i++) hex += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    return hex;
  }

  var uniqueCounter = 0;
  function uniqueId(name) {
    uniqueCounter += 1;
    return PREFIX + "-" + name + "-" + uniqueCounter;
  }

  // localStorage can be missing or throw (private modes, blocked storage): fall back to memory for this page.
  function makeStore(storage) {
    var memory = {};
    function usable() {
      try {
        var probe = "__bsw_probe__";
        storage.setItem(probe, probe);
        storage.removeItem(probe);
        return true;
      } catch (e) {
        return false;
      }
    }
    var ok = !!storage && usable();
    return {
      get: function (key) {
        if (ok) {
          try { return storage.getItem(key); } catch (e) { /* fall through */ }
        }
        return Object.prototype.hasOwnProperty.call(memory, key) ? memory[key] : null;
      },
      set: function (key, value) {
        memory[key] = value;
        if (ok) {
          try { storage.setItem(key, value); } catch (e) { /* quota or blocked: memory copy is kept */ }
        }
      },
      remove: function (key) {
        delete memory[key];
        if (ok) {
          try { storage.removeItem(key); } catch (e) { /* ignore */ }
        }
      }
    };
  }

  function safeStorage(name) {
    try { return window[name]; } catch (e) { return null; }
  }

  // ---------------------------------------------------------------------------------------------------------
  // Rendering bot text as text: paragraphs, line breaks, **bold** and http(s) links. Nothing is parsed as HTML.

  var URL_PATTERN = /https?:\/\/[^\s<>"'`]+/gi;
  var BOLD_PATTERN = /\*\*(?=\S)([\s\S]*?\S)\*\*/g;

  function safeHttpUrl(raw) {
    var url;
    try {
      url = new URL(raw);
    } catch (e) {
      return null;
    }
    return url.protocol === "http:" || url.protocol === "https:" ? url.href : null;
  }

  // A URL in prose often ends with punctuation that belongs to the sentence: "see https://a.b/c." or "(https://a.b)".
  function trimUrl(candidate) {
    var url = candidate;
    for (;;) {
      var last = url.charAt(url.length - 1);
      if (".,;:!?".indexOf(last) >= 0) {
        url = url.slice(0, -1);
      } else if (last === ")" && (url.split("(").length < url.split(")").length)) {
        url = url.slice(0, -1);
      } else {
        return url;
      }
    }
  }

  function appendLinked(parent, text) {
    var index = 0;
    var match;
    URL_PATTERN.lastIndex = 0;
    while ((match = URL_PATTERN.exec(text)) !== null) {
      var raw = trimUrl(match[0]);
      var href = safeHttpUrl(raw);
      if (!href) continue;
      if (match.index > index) parent.appendChild(document.createTextNode(text.slice(index, match.index)));
      var link = el("a", PREFIX + "-link", raw);
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      parent.appendChild(link);
      index = match.index + raw.length;
      URL_PATTERN.lastIndex = index;
    }
    if (index < text.length) parent.appendChild(document.createTextNode(text.slice(index)));
  }

  function appendInline(parent, text) {
    var index = 0;
    var match;
    BOLD_PATTERN.lastIndex = 0;
    while ((match = BOLD_PATTERN.exec(text)) !== null) {
      if (match.index > index) appendLinked(parent, text.slice(index, match.index));
      var strong = el("strong");
      appendLinked(strong, match[1]);
      parent.appendChild(strong);
      index = match.index + match[0].length;
    }
    if (index < text.length) appendLinked(parent, text.slice(index));
  }

  function renderRichText(parent, text) {
    var paragraphs = String(text).replace(/\r\n?/g, "\n").split(/\n{2,}/);
    for (var p = 0; p < paragraphs.length; p++) {
      if (!paragraphs[p].trim()) continue;
      var para = el("p", PREFIX + "-para");
      var lines = paragraphs[p].split("\n");
      for (var l = 0; l < lines.length; l++) {
        if (l > 0) para.appendChild(el("br"));
        appendInline(para, lines[l]);
      }
      parent.appendChild(para);
    }
  }

  // An emergency reply leads with the 999 advice (the assistant's red-flag answers start with it). Mentions of
  // 999 further down an ordinary answer ("... or 999 in an emergency") are safety-netting, not an emergency.
  // The assistant can also mark a reply explicitly with a custom payload {"urgency": "emergency"}.
  function leadsWith999(text) {
    var trimmed = String(text || "").replace(/^\s+/, "");
    var firstLine = trimmed.split("\n")[0];
    var sentence = /^[\s\S]*?[.!?]["'*)\]]*(?=\s|$)/.exec(firstLine);
    return /(^|[^\d])999(?!\d)/.test(sentence ? sentence[0] : firstLine);
  }

  function isEmergencyMarker(custom) {
    return !!custom && typeof custom === "object" &&
      (custom.urgency === "emergency" || custom.emergency === true);
  }

  // Keep only what the widget knows how to show, whatever the server sent.
  function normaliseReplies(data) {
    if (!Array.isArray(data)) throw new Error("unexpected reply");
    var emergency = false;
    var out = [];
    for (var i = 0; i < data.length; i++) {
      var item = data[i];
      if (!item || typeof item !== "object") continue;
      if (isEmergencyMarker(item.custom)) emergency = true;
      var text = typeof item.text === "string" ? item.text : "";
      // Rasa's standard image field (a stretch drawing), with its words in alt_text: shown inline, not as a link.
      var image = typeof item.image === "string" ? safeHttpUrl(item.image) : null;
      var alt = typeof item.alt_text === "string" && item.alt_text ? item.alt_text : "Drawing";
      var buttons = [];
      if (Array.isArray(item.buttons)) {
        for (var b = 0; b < item.buttons.length; b++) {
          var button = item.buttons[b];
          if (button && typeof button.title === "string" && typeof button.payload === "string" && button.payload) {
            buttons.push({ title: button.title, payload: button.payload });
          }
        }
      }
      if (image) {
        out.push({ from: "bot", text: text, buttons: buttons, emergency: false, image: image, alt: alt });
      } else if (text || buttons.length) {
        out.push({ from: "bot", text: text, buttons: buttons, emergency: leadsWith999(text) });
      }
    }
    if (emergency) {
      for (var j = 0; j < out.length; j++) out[j].emergency = true;
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------------------
  // The widget

  function Widget(options) {
    var cfg = {};
    for (var key in DEFAULTS) {
      if (Object.prototype.hasOwnProperty.call(DEFAULTS, key)) {
        cfg[key] = options && options[key] != null ? options[key] : DEFAULTS[key];
      }
    }
    cfg.endpoint = String(cfg.endpoint).replace(/\/+$/, "");
    this.cfg = cfg;
    this.webhook = cfg.endpoint + "/webhooks/rest/webhook";
    this.key = cfg.storageKey + ":" + cfg.endpoint;
    this.local = makeStore(safeStorage("localStorage"));
    this.session = makeStore(safeStorage("sessionStorage"));
    this.busy = false;
    this.failed = null; // the message to resend when Retry is pressed
    this.isOpen = false;
    this.state = this.load();
    this.root = null;
    var self = this;
    // init() may run from the <head>, before there is a <body> to attach to.
    if (cfg.container || document.body) {
      this.mount();
    } else {
      document.addEventListener("DOMContentLoaded", function () { self.mount(); });
    }
  }

  Widget.prototype.mount = function () {
    if (this.root) return;
    this.build();
    this.restore();
    if (this.session.get(this.key + ":open") === "1") this.open(false);
  };

  Widget.prototype.load = function () {
    var state = null;
    try {
      state = JSON.parse(this.local.get(this.key) || "null");
    } catch (e) {
      state = null;
    }
    if (!state || typeof state !== "object" || !/^[0-9a-f]{32}$/.test(state.sender || "")) {
      state = { sender: randomId(), messages: [] };
    }
    if (!Array.isArray(state.messages)) state.messages = [];
    return state;
  };

  Widget.prototype.save = function () {
    if (this.state.messages.length > MAX_STORED_MESSAGES) {
      this.state.messages = this.state.messages.slice(-MAX_STORED_MESSAGES);
    }
    this.local.set(this.key, JSON.stringify(this.state));
  };

  Widget.prototype.build = function () {
    var cfg = this.cfg;
    var self = this;
    var panelId = uniqueId("panel");
    var titleId = uniqueId("title");
    var inputId = uniqueId("input");

    var root = el("div", PREFIX + "-root");
    root.setAttribute("data-backspasm-widget", VERSION);

    var launcher = el("button", PREFIX + "-launcher");
    launcher.type = "button";
    launcher.setAttribute("aria-label", cfg.launcherLabel);
    launcher.setAttribute("aria-expanded", "false");
    launcher.setAttribute("aria-controls", panelId);
    launcher.appendChild(chatIcon());
    launcher.appendChild(el("span", PREFIX + "-launcher-text", "Chat"));
    launcher.querySelector("." + PREFIX + "-launcher-text").setAttribute("aria-hidden", "true");

    var panel = el("div", PREFIX + "-panel");
    panel.id = panelId;
    panel.setAttribute("role", "dialog");
    panel.setAttribute("aria-labelledby", titleId);
    panel.hidden = true;

    var header = el("div", PREFIX + "-header");
    var heading = el("div", PREFIX + "-heading");
    var title = el("div", PREFIX + "-title", cfg.title);
    title.id = titleId;
    heading.appendChild(title);
    if (cfg.subtitle) heading.appendChild(el("div", PREFIX + "-subtitle", cfg.subtitle));
    header.appendChild(heading);
    var clear = el("button", PREFIX + "-header-button " + PREFIX + "-clear", "Clear chat");
    clear.type = "button";
    clear.title = "Delete this conversation from this browser and start again";
    var close = el("button", PREFIX + "-header-button " + PREFIX + "-close");
    close.type = "button";
    close.setAttribute("aria-label", "Close chat");
    close.appendChild(closeIcon());
    header.appendChild(clear);
    header.appendChild(close);

    var log = el("div", PREFIX + "-log");
    log.setAttribute("role", "log");
    log.setAttribute("aria-live", "polite");
    log.setAttribute("aria-relevant", "additions");
    log.setAttribute("aria-label", "Conversation");
    log.tabIndex = 0;

    var typing = el("div", PREFIX + "-typing");
    typing.setAttribute("role", "status");
    var dots = el("span", PREFIX + "-dots");
    dots.setAttribute("aria-hidden", "true");
    dots.appendChild(el("span"));
    dots.appendChild(el("span"));
    dots.appendChild(el("span"));
    typing.appendChild(dots);
    var typingText = el("span", PREFIX + "-visually-hidden", "");
    typing.appendChild(typingText);
    typing.hidden = true;

    var error = el("div", PREFIX + "-error");
    error.setAttribute("role", "alert");
    error.hidden = true;
    var errorText = el("p", PREFIX + "-error-text", "");
    var retry = el("button", PREFIX + "-retry", "Retry");
    retry.type = "button";
    error.appendChild(errorText);
    error.appendChild(retry);

    var form = el("form", PREFIX + "-form");
    form.setAttribute("novalidate", "");
    var label = el("label", PREFIX + "-visually-hidden", "Your message");
    label.htmlFor = inputId;
    var input = el("input", PREFIX + "-input");
    input.id = inputId;
    input.type = "text";
    input.autocomplete = "off";
    input.maxLength = 1000;
    input.placeholder = cfg.placeholder;
    var sendButton = el("button", PREFIX + "-send", "Send");
    sendButton.type = "submit";
    form.appendChild(label);
    form.appendChild(input);
    form.appendChild(sendButton);

    panel.appendChild(header);
    panel.appendChild(log);
    panel.appendChild(typing);
    panel.appendChild(error);
    panel.appendChild(form);
    var privacy = el("p", PREFIX + "-privacy", "");
    privacy.hidden = !cfg.privacy;
    panel.appendChild(privacy);
    this.privacy = privacy;
    this.showChatCode();
    root.appendChild(panel);
    root.appendChild(launcher);
    (cfg.container || document.body).appendChild(root);

    launcher.addEventListener("click", function () {
      if (self.isOpen) self.close(); else self.open(true);
    });
    close.addEventListener("click", function () { self.close(); });
    clear.addEventListener("click", function () { self.clear(); });
    retry.addEventListener("click", function () { self.retry(); });
    panel.addEventListener("keydown", function (event) {
      if (event.key === "Escape" || event.key === "Esc") {
        event.preventDefault();
        self.close();
      }
    });
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var text = input.value.trim();
      if (!text || self.busy) return;
      input.value = "";
      self.send(text, text);
    });
    log.addEventListener("click", function (event) {
      var target = event.target;
      while (target && target !== log && !(target.classList && target.classList.contains(PREFIX + "-option"))) {
        target = target.parentNode;
      }
      if (!target || target === log || self.busy) return;
      var payload = target.getAttribute("data-payload");
      var shown = target.textContent;
      input.focus();
      self.send(payload, shown);
    });

    this.root = root;
    this.launcher = launcher;
    this.panel = panel;
    this.log = log;
    this.typing = typing;
    this.typingText = typingText;
    this.error = error;
    this.errorText = errorText;
    this.retryButton = retry;
    this.input = input;
    this.sendButton = sendButton;
  };

  function svg(paths, viewBox) {
    var ns = "http://www.w3.org/2000/svg";
    var node = document.createElementNS(ns, "svg");
    node.setAttribute("viewBox", viewBox || "0 0 24 24");
    node.setAttribute("width", "24");
    node.setAttribute("height", "24");
    node.setAttribute("aria-hidden", "true");
    node.setAttribute("focusable", "false");
    for (var i = 0; i < paths.length; i++) {
      var path = document.createElementNS(ns, "path");
      path.setAttribute("d", paths[i]);
      node.appendChild(path);
    }
    return node;
  }

  function chatIcon() {
    return svg(["M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2zm3 6a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zm5 0a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z"]);
  }

  function closeIcon() {
    return svg(["M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4L12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z"]);
  }

  function alertIcon() {
    return svg(["M12 2 1 21h22L12 2zm0 5.5 7.5 12.5h-15L12 7.5zM11 10v5h2v-5h-2zm0 6v2h2v-2h-2z"]);
  }

  // ---------------------------------------------------------------------------------------------------------
  // Messages

  Widget.prototype.renderMessage = function (message, withButtons) {
    var item = el("div", PREFIX + "-message " + PREFIX + "-" + (message.from === "user" ? "user" : "bot"));
    var bubble = el("div", PREFIX + "-bubble");
    var who = el("span", PREFIX + "-visually-hidden", message.from === "user" ? "You said: " : "Assistant: ");
    if (message.from === "user") {
      bubble.appendChild(who);
      bubble.appendChild(document.createTextNode(message.text));
    } else {
      if (message.emergency) {
        item.className += " " + PREFIX + "-emergency";
        item.setAttribute("role", "alert");
        var badge = el("div", PREFIX + "-emergency-label");
        badge.appendChild(alertIcon());
        badge.appendChild(document.createTextNode("Emergency advice"));
        bubble.appendChild(badge);
      }
      bubble.appendChild(who);
      if (message.text) renderRichText(bubble, message.text);
      if (message.image) bubble.appendChild(imageFigure(message));
    }
    item.appendChild(bubble);
    if (withButtons && message.buttons && message.buttons.length) {
      var group = el("div", PREFIX + "-options");
      group.setAttribute("role", "group");
      group.setAttribute("aria-label", "Suggested replies");
      for (var i = 0; i < message.buttons.length; i++) {
        var option = el("button", PREFIX + "-option", message.buttons[i].title);
        option.type = "button";
        option.setAttribute("data-payload", message.buttons[i].payload);
        option.disabled = this.busy;
        group.appendChild(option);
      }
      item.appendChild(group);
    }
    this.log.appendChild(item);
    return item;
  };

  // An image scaled to the bubble (phone-sized screens too), with its alt text; a tap opens it full size.
  function imageFigure(message) {
    var href = safeHttpUrl(message.image);
    var figure = el("figure", PREFIX + "-figure");
    if (!href) return figure;
    var link = el("a", PREFIX + "-image-link");
    link.href = href;
    link.target = "_blank";
    link.rel = "noopener noreferrer";
    var img = el("img", PREFIX + "-image");
    img.src = href;
    img.alt = String(message.alt || "Drawing");
    img.loading = "eager";
    link.appendChild(img);
    link.appendChild(el("span", PREFIX + "-image-hint", "Open the drawing larger"));
    figure.appendChild(link);
    return figure;
  }

  Widget.prototype.restore = function () {
    var messages = this.state.messages;
    var lastUser = -1;
    for (var i = 0; i < messages.length; i++) if (messages[i].from === "user") lastUser = i;
    for (var j = 0; j < messages.length; j++) this.renderMessage(messages[j], j > lastUser);
    var last = messages[messages.length - 1];
    if (last && last.from === "user" && last.failed) {
      this.failed = { message: last.send || last.text, userMessage: last };
      this.showError();
    } else if (this.state.greetFailed) {
      this.failed = { message: this.cfg.greeting, userMessage: null };
      this.showError();
    }
    this.scrollToEnd();
  };

  Widget.prototype.removeOptions = function () {
    var groups = this.log.querySelectorAll("." + PREFIX + "-options");
    for (var i = 0; i < groups.length; i++) groups[i].parentNode.removeChild(groups[i]);
  };

  Widget.prototype.setBusy = function (busy) {
    this.busy = busy;
    this.sendButton.disabled = busy;
    this.retryButton.disabled = busy;
    var options = this.log.querySelectorAll("." + PREFIX + "-option");
    for (var i = 0; i < options.length; i++) options[i].disabled = busy;
    this.typing.hidden = !busy;
    this.typingText.textContent = busy ? "The assistant is typing" : "";
    this.panel.setAttribute("aria-busy", busy ? "true" : "false");
  };

  Widget.prototype.scrollToEnd = function () {
    this.log.scrollTop = this.log.scrollHeight;
  };

  Widget.prototype.scrollTo = function (node) {
    // Show the start of a long answer rather than its end.
    var top = node.offsetTop - this.log.offsetTop - 8;
    this.log.scrollTop = Math.max(0, Math.min(top, this.log.scrollHeight));
  };

  // message: what is sent to the assistant; shown: what appears as the visitor's message (null: nothing shown).
  Widget.prototype.send = function (message, shown) {
    if (!this.root || this.busy || !message) return;
    this.hideError();
    this.removeOptions();
    var userMessage = null;
    if (shown != null) {
      userMessage = { from: "user", text: String(shown) };
      if (shown !== message) userMessage.send = message;
      this.state.messages.push(userMessage);
      this.renderMessage(userMessage, false);
      this.save();
      this.scrollToEnd();
    }
    this.deliver({ message: message, userMessage: userMessage });
  };

  Widget.prototype.deliver = function (pending) {
    var self = this;
    this.failed = null;
    this.setBusy(true);
    this.post(pending.message).then(
      function (replies) {
        if (pending.userMessage) delete pending.userMessage.failed;
        if (!pending.userMessage) delete self.state.greetFailed;
        self.setBusy(false);
        var first = null;
        for (var i = 0; i < replies.length; i++) {
          self.state.messages.push(replies[i]);
          var node = self.renderMessage(replies[i], true);
          if (!first) first = node;
        }
        self.save();
        if (first) self.scrollTo(first);
      },
      function () {
        if (pending.userMessage) pending.userMessage.failed = true;
        else self.state.greetFailed = true;
        self.save();
        self.setBusy(false);
        self.failed = pending;
        self.showError();
      }
    );
  };

  Widget.prototype.post = function (message) {
    var controller = typeof AbortController === "function" ? new AbortController() : null;
    var timer = controller ? window.setTimeout(function () { controller.abort(); }, REQUEST_TIMEOUT_MS) : null;
    return window.fetch(this.webhook, {
      method: "POST",
      mode: "cors",
      credentials: "omit",
      cache: "no-store",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ sender: this.state.sender, message: message }),
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (data) {
      if (timer) window.clearTimeout(timer);
      return normaliseReplies(data);
    }, function (error) {
      if (timer) window.clearTimeout(timer);
      throw error;
    });
  };

  // A returning visitor's follow-up check-ins (the website cannot message anyone, so they wait for the chat to open).
  Widget.prototype.showCheckins = function () {
    var self = this;
    window.fetch(this.webhook.replace(/\/webhook$/, "/checkins"), {
      method: "POST",
      mode: "cors",
      credentials: "omit",
      cache: "no-store",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ sender: this.state.sender })
    }).then(function (response) {
      return response.ok ? response.json() : [];
    }).then(function (data) {
      var replies = normaliseReplies(data);
      for (var i = 0; i < replies.length; i++) {
        self.state.messages.push(replies[i]);
        self.renderMessage(replies[i], true);
      }
      if (replies.length) {
        self.save();
        self.scrollToEnd();
      }
    }, function () {});
  };

  Widget.prototype.showError = function () {
    this.errorText.textContent = ERROR_TEXT;
    this.error.hidden = false;
  };

  Widget.prototype.hideError = function () {
    this.error.hidden = true;
    this.errorText.textContent = "";
  };

  Widget.prototype.retry = function () {
    if (this.busy || !this.failed) return;
    var pending = this.failed;
    this.hideError();
    this.input.focus();
    this.deliver(pending);
  };

  Widget.prototype.open = function (moveFocus) {
    if (!this.root) return;
    if (!this.isOpen) {
      this.isOpen = true;
      this.panel.hidden = false;
      this.root.classList.add(PREFIX + "-is-open");
      this.launcher.setAttribute("aria-expanded", "true");
      this.session.set(this.key + ":open", "1");
      this.scrollToEnd();
      if (!this.state.messages.length && !this.busy && !this.failed && this.cfg.greeting) {
        this.send(this.cfg.greeting, null);
      } else if (this.state.messages.length) {
        this.showCheckins();
      }
    }
    if (moveFocus !== false) this.input.focus();
  };

  Widget.prototype.close = function () {
    if (!this.root || !this.isOpen) return;
    this.isOpen = false;
    this.panel.hidden = true;
    this.root.classList.remove(PREFIX + "-is-open");
    this.launcher.setAttribute("aria-expanded", "false");
    this.session.remove(this.key + ":open");
    this.launcher.focus();
  };

  // Forget this conversation in this browser and start a new one with a new random sender id.
  Widget.prototype.clear = function () {
    if (!this.root || this.busy) return;
    this.state = { sender: randomId(), messages: [] };
    this.failed = null;
    this.hideError();
    while (this.log.firstChild) this.log.removeChild(this.log.firstChild);
    this.save();
    this.showChatCode();
    this.input.focus();
    if (this.cfg.greeting) this.send(this.cfg.greeting, null);
  };

  Widget.prototype.showChatCode = function () {
    if (this.privacy && this.cfg.privacy) this.privacy.textContent = this.cfg.privacy + " " + this.state.sender;
  };

  Widget.prototype.destroy = function () {
    if (this.root && this.root.parentNode) this.root.parentNode.removeChild(this.root);
  };

  // ---------------------------------------------------------------------------------------------------------
  // Public API and auto-start from the <script data-endpoint="..."> tag

  var instance = null;

  function init(options) {
    if (instance) return instance;
    instance = new Widget(options || {});
    return instance;
  }

  function optionsFromScript(script) {
    var data = script.dataset || {};
    var options = {};
    var names = ["endpoint", "title", "subtitle", "greeting", "launcherLabel", "placeholder", "storageKey",
                 "privacy"];
    for (var i = 0; i < names.length; i++) {
      if (data[names[i]] != null) options[names[i]] = data[names[i]];
    }
    return options;
  }

  var api = {
    version: VERSION,
    init: init,
    get instance() { return instance; },
    // Exposed for tests and for sites that render text elsewhere the same safe way.
    _renderRichText: renderRichText,
    _leadsWith999: leadsWith999
  };
  window.BackSpasmWidget = api;

  var script = document.currentScript;
  if (script && script.hasAttribute("data-endpoint")) {
    var options = optionsFromScript(script);
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", function () { init(options); });
    } else {
      init(options);
    }
  }
})(window, document);
