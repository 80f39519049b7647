/*
 * Children's online-safety chat widget. Embed with one tag:
 *   <script src=".../widget/widget.js" data-server="https://rasa.example" data-title="..."
 *           data-lang="en" data-exit-url="https://www.bbc.co.uk/weather"></script>
 * Talks to Rasa's socket.io channel (bot/channels/socketio_widget.py). Plain DOM, no build step.
 * Server text is only ever put on the page with textContent; links are built by hand and only
 * for https:, tel: and sms:.
 */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || window.__copWidget) return;
  window.__copWidget = true;

  var base = script.src.replace(/[^/]*$/, "");
  var data = script.dataset;
  var config = {
    server: data.server || location.protocol + "//" + location.hostname + ":5005",
    title: data.title || "Online safety helper",
    lang: data.lang || "en",
    exitUrl: safeHref(data.exitUrl, ["https:"]) || "https://www.bbc.co.uk/weather",
    retentionDays: parseInt(data.retentionDays, 10) || 30
  };
  var STORE = "copw:v1";
  var SLOW_REPLY_MS = 12000;
  var QUIET_MS = 900;
  var ESC_GAP_MS = 1500;
  var T = {
    launcher: "Chat with the helper",
    help: "Get help now",
    exit: "Quick exit",
    exitHint: "Leave this site fast. Or press Esc twice.",
    close: "Close chat",
    clear: "Clear chat",
    cleared: "Chat cleared.",
    input: "Type your message",
    send: "Send",
    noticeTitle: "Before you start",
    notice: [
      "I am a chat bot: a computer program, not a person.",
      "Your messages are kept on our server so the team can check the helper is safe, and deleted after " +
        config.retentionDays + " days. Please don't type your full name, address or phone number.",
      "This chat stays in this browser tab until you close the tab or press Clear chat.",
      "If you are in danger, I will show you people who can help. Press Get help now at any time."
    ],
    typing: "The helper is typing",
    slow: "This is taking longer than usual. If you are in danger, press Get help now.",
    offline: "No connection right now. Your messages will be sent when it is back.",
    connecting: "Connecting...",
    waiting: "Waiting to send",
    notSent: "Not sent: the helper could not take it just now.",
    sendAgain: "Send again",
    you: "You",
    bot: "Helper",
    cardTitle: "People who can help",
    call: "Call",
    text: "Text",
    chat: "Chat online",
    whatsapp: "WhatsApp",
    website: "Website",
    rateUp: "This answer helped",
    rateDown: "This answer did not help",
    rated: "Thanks for rating this answer"
  };
  // A thumb sends one of these intents (data/nlu/feedback.yml); moderators see thumbs-down as a flag.
  var RATINGS = { up: { emoji: "\ud83d\udc4d", payload: "/feedback_positive" },
                  down: { emoji: "\ud83d\udc4e", payload: "/feedback_negative" } };

  function safeHref(href, protocols) {
    try {
      var url = new URL(href);
      return protocols.indexOf(url.protocol) >= 0 ? url.href : null;
    } catch (e) {
      return null;
    }
  }

  // ---- state kept in sessionStorage: survives a reload, gone when the tab closes ----
  var state = load();
  var seen = {};
  state.messages.forEach(function (m) { if (m.id) seen[m.id] = true; });

  function load() {
    try {
      var saved = JSON.parse(sessionStorage.getItem(STORE));
      if (saved && Array.isArray(saved.messages)) return saved;
    } catch (e) { /* nothing saved, or storage blocked */ }
    return { sessionId: null, messages: [], open: false };
  }
  function save() {
    try { sessionStorage.setItem(STORE, JSON.stringify(state)); } catch (e) { /* private mode */ }
  }

  // ---- DOM helpers ----
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (key === "on") Object.keys(attrs.on).forEach(function (ev) { node.addEventListener(ev, attrs.on[ev]); });
      else node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }
  function button(label, cls, onClick, attrs) {
    return el("button", Object.assign({ type: "button", "class": cls, text: label, on: { click: onClick } }, attrs));
  }

  document.head.appendChild(el("link", { rel: "stylesheet", href: base + "widget.css" }));

  var helpButton = button(T.help, "copw-btn copw-help", getHelpNow);
  var exitButton = button(T.exit, "copw-btn copw-exit", quickExit, { title: T.exitHint, "aria-describedby": "copw-exit-hint" });
  var bar = el("div", { "class": "copw-bar", role: "region", "aria-label": "Safety" }, [
    helpButton, exitButton, el("span", { id: "copw-exit-hint", "class": "copw-sr", text: T.exitHint })
  ]);
  var launcher = button(T.launcher, "copw-btn copw-launcher", function () { setOpen(true); },
    { "aria-expanded": "false", "aria-controls": "copw-panel" });
  var title = el("h2", { id: "copw-title", "class": "copw-title", text: config.title });
  var status = el("p", { "class": "copw-status", role: "status", hidden: "" });
  var log = el("ol", { "class": "copw-log", "aria-label": "Conversation" });
  var announcer = el("div", { "class": "copw-sr", "aria-live": "polite" });
  var typing = el("p", { "class": "copw-typing", hidden: "" }, [
    el("span", { "class": "copw-dots", "aria-hidden": "true" }, [el("span"), el("span"), el("span")]),
    el("span", { "class": "copw-typing-text", text: T.typing })
  ]);
  var replies = el("div", { "class": "copw-replies", role: "group", "aria-label": "Suggested answers" });
  var input = el("textarea", { id: "copw-input", "class": "copw-input", rows: "1", maxlength: "2000",
    autocomplete: "off", placeholder: T.input });
  var form = el("form", { "class": "copw-composer", on: { submit: onSubmit } }, [
    el("label", { "for": "copw-input", "class": "copw-sr", text: T.input }), input,
    el("button", { type: "submit", "class": "copw-btn copw-send", text: T.send })
  ]);
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  var notice = el("section", { "class": "copw-notice", "aria-labelledby": "copw-notice-title" },
    [el("h3", { id: "copw-notice-title", text: T.noticeTitle })].concat(T.notice.map(function (line) {
      return el("p", { text: line });
    })));
  var scroller = el("div", { "class": "copw-scroller" }, [notice, log, typing]);
  var panel = el("section", { id: "copw-panel", "class": "copw-panel", role: "dialog", "aria-modal": "false",
    "aria-labelledby": "copw-title", hidden: "" }, [
    el("header", { "class": "copw-header" }, [
      title,
      button(T.clear, "copw-btn copw-quiet", clearChat),
      button("\u00d7", "copw-btn copw-quiet copw-close", function () { setOpen(false); }, { "aria-label": T.close })
    ]),
    status, scroller, replies, form
  ]);
  var root = el("div", { "class": "copw", lang: config.lang }, [bar, launcher, panel, announcer]);

  // ---- rendering: text nodes only; links only https:, tel:, sms: ----
  function linkify(text, into) {
    var pattern = /https:\/\/[^\s<>"]+[^\s<>".,;:!?)]/g;
    var last = 0, match;
    while ((match = pattern.exec(text))) {
      into.appendChild(document.createTextNode(text.slice(last, match.index)));
      var href = safeHref(match[0], ["https:"]);
      into.appendChild(href ? el("a", { href: href, target: "_blank", rel: "noopener noreferrer", text: match[0] })
        : document.createTextNode(match[0]));
      last = match.index + match[0].length;
    }
    into.appendChild(document.createTextNode(text.slice(last)));
    return into;
  }

  function dial(number) { return String(number).replace(/[^\d+*#]/g, ""); }

  function serviceLinks(service) {
    var links = [];
    var add = function (label, href, cls) {
      if (href) links.push(el("a", { "class": "copw-btn copw-action " + cls, href: href, text: label }));
    };
    if (service.phone && dial(service.phone)) add(T.call + " " + service.phone, "tel:" + dial(service.phone), "copw-call");
    if (service.sms && dial(service.sms)) add(T.text + " " + service.sms, "sms:" + dial(service.sms), "copw-sms");
    add(T.chat, safeHref(service.chat_url, ["https:"]), "copw-chat");
    if (service.whatsapp && dial(service.whatsapp)) add(T.whatsapp, "https://wa.me/" + dial(service.whatsapp).replace(/\D/g, ""), "copw-chat");
    add(T.website, safeHref(service.website, ["https:"]), "copw-web");
    links.filter(function (a) { return a.href.indexOf("https:") === 0; }).forEach(function (a) {
      a.target = "_blank"; a.rel = "noopener noreferrer";
    });
    return links;
  }

  function helplineCard(payload) {
    var services = Array.isArray(payload.services) ? payload.services : [];
    return el("article", { "class": "copw-card", "aria-label": T.cardTitle }, [
      el("h3", { text: T.cardTitle }),
      el("ul", {}, services.map(function (service) {
        return el("li", { "class": "copw-service" }, [
          el("p", { "class": "copw-service-name", text: String(service.name || "") }),
          service.hours ? el("p", { "class": "copw-hours", text: String(service.hours) }) : null,
          el("div", { "class": "copw-actions" }, serviceLinks(service))
        ]);
      }))
    ]);
  }

  function bubble(message) {
    var from = message.from === "user" ? "user" : "bot";
    var item = el("li", { "class": "copw-msg copw-" + from + (message.pending ? " copw-pending" : "") }, [
      el("span", { "class": "copw-sr", text: (from === "user" ? T.you : T.bot) + ": " })
    ]);
    if (message.custom && message.custom.type === "helpline_referral") item.appendChild(helplineCard(message.custom));
    else item.appendChild(linkify(String(message.text || ""), el("p", { "class": "copw-text" })));
    if (message.pending) item.appendChild(el("span", { "class": "copw-note", text: T.waiting }));
    if (message.failed) {
      item.appendChild(el("span", { "class": "copw-note", text: T.notSent }));
      item.appendChild(button(T.sendAgain, "copw-btn copw-reply", function () { resend(message); }));
    }
    if (from === "bot" && !message.custom) item.appendChild(ratingButtons(message));
    return item;
  }

  // Thumbs under a bot answer: one rating per answer, kept with the message in the tab's storage.
  function ratingButtons(message) {
    var box = el("div", { "class": "copw-rate" });
    ["up", "down"].forEach(function (kind) {
      var label = kind === "up" ? T.rateUp : T.rateDown;
      var thumb = button(RATINGS[kind].emoji, "copw-btn copw-thumb", function () {
        message.rated = kind;
        save();
        box.replaceWith(ratingButtons(message));
        send(RATINGS[kind].emoji, RATINGS[kind].payload);
      }, { "aria-label": label, title: label, "aria-pressed": String(message.rated === kind) });
      thumb.disabled = Boolean(message.rated);
      box.appendChild(thumb);
    });
    if (message.rated) box.appendChild(el("span", { "class": "copw-note", text: T.rated }));
    return box;
  }

  function renderAll() {
    log.textContent = "";
    state.messages.forEach(function (m) { log.appendChild(bubble(m)); });
    renderReplies();
  }

  function renderReplies() {
    replies.textContent = "";
    var last = state.messages[state.messages.length - 1];
    var options = last && last.from === "bot" && Array.isArray(last.buttons) ? last.buttons : [];
    options.forEach(function (option) {
      replies.appendChild(button(String(option.title), "copw-btn copw-reply", function () {
        send(String(option.title), String(option.payload));
        input.focus();
      }));
    });
    replies.hidden = options.length === 0;
  }

  function scrollDown() { scroller.scrollTop = scroller.scrollHeight; }

  function announce(text) {
    announcer.appendChild(el("p", { text: text }));
    while (announcer.childNodes.length > 3) announcer.removeChild(announcer.firstChild);
  }

  // ---- conversation ----
  function addMessage(message) {
    state.messages.push(message);
    save();
    log.appendChild(bubble(message));
    renderReplies();
    scrollDown();
  }

  function send(text, payload) {
    text = text.trim();
    if (!text) return;
    var message = { from: "user", text: text, payload: payload || text, pending: true,
      id: "u" + Date.now().toString(36) + Math.random().toString(36).slice(2, 8) };
    addMessage(message);
    flush();
  }

  function onSubmit(event) {
    event.preventDefault();
    send(input.value);
    input.value = "";
  }

  function receive(data) {
    if (!data || typeof data !== "object" || (data.id && seen[data.id])) return;
    if (data.id) seen[data.id] = true;
    var message = { from: "bot", id: data.id };
    if (data.custom && typeof data.custom === "object") message.custom = data.custom;
    else if (typeof data.text === "string") message.text = data.text;
    else return;
    if (Array.isArray(data.quick_replies)) message.buttons = data.quick_replies;
    else if (Array.isArray(data.buttons)) message.buttons = data.buttons;
    addMessage(message);
    announce(T.bot + ": " + (message.custom ? T.cardTitle : message.text));
    showTyping(true, QUIET_MS);
  }

  var typingTimer, slowTimer;
  function showTyping(on, hideAfter) {
    clearTimeout(typingTimer);
    clearTimeout(slowTimer);
    typing.hidden = !on;
    typing.lastChild.textContent = T.typing;
    if (!on) return;
    if (hideAfter) typingTimer = setTimeout(function () { typing.hidden = true; }, hideAfter);
    else slowTimer = setTimeout(function () { typing.lastChild.textContent = T.slow; scrollDown(); }, SLOW_REPLY_MS);
    scrollDown();
  }

  // ---- connection: socket.io with backoff; unsent messages wait in the outbox ----
  var socket = null, ready = false;

  // Time zone -> country, fetched once; the first message waits for it so the hint is there.
  var zones = null;
  function loadZones() {
    fetch(base + "tz-countries.json").then(function (r) { return r.json(); })
      .catch(function () { return {}; })
      .then(function (map) { zones = map || {}; flush(); });
  }

  function country() {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { /* old browser */ }
    if (zones[zone]) return zones[zone];
    var languages = navigator.languages || [navigator.language || ""];
    for (var i = 0; i < languages.length; i++) {
      var match = /^[a-z]{2,3}(?:-[A-Za-z]{4})?-([A-Za-z]{2})\b/.exec(languages[i]);
      if (match) return match[1].toUpperCase();
    }
    return null;
  }

  // The server acknowledges each message once its turn is stored (bot/channels/socketio_widget.py);
  // one it could not store stays on the page as "Not sent" until the child sends it again.
  function acknowledged(message, ack) {
    if (!ack || ack.stored !== false) return;
    message.failed = true;
    save();
    renderAll();
  }

  // Sent again, the message moves to the end of the chat, where its answer will appear.
  function resend(message) {
    var at = state.messages.indexOf(message);
    if (at >= 0) state.messages.splice(at, 1);
    message.failed = false;
    message.pending = true;
    state.messages.push(message);
    save();
    renderAll();
    scrollDown();
    flush();
  }

  // Sends what waits in the outbox (messages still marked pending) once connected.
  function flush() {
    var pending = state.messages.filter(function (m) { return m.pending; });
    if (!pending.length) return;
    if (!ready) { setStatus(navigator.onLine === false ? T.offline : T.connecting); return; }
    if (!zones) return;
    var metadata = { audience: "child", country: country() };
    pending.forEach(function (m) {
      socket.emit("user_uttered", { message: m.payload, session_id: state.sessionId, metadata: metadata },
        function (ack) { acknowledged(m, ack); });
      m.pending = false;
    });
    save();
    renderAll();
    showTyping(true);
  }

  function setStatus(text) {
    status.hidden = !text;
    status.textContent = text || "";
    root.classList.toggle("copw-is-offline", !!text);
  }

  function connect() {
    if (socket) return;
    if (!window.io) { whenLoaded = connect; return; }
    socket = window.io(config.server, {
      transports: ["websocket"], reconnectionDelay: 1000, reconnectionDelayMax: 15000, randomizationFactor: 0.5
    });
    socket.on("connect", function () {
      socket.emit("session_request", { session_id: state.sessionId });
    });
    socket.on("session_confirm", function (sessionId) {
      state.sessionId = typeof sessionId === "string" ? sessionId : state.sessionId;
      ready = true;
      mark("copw-connected");
      setStatus("");
      save();
      flush();
    });
    socket.on("bot_uttered", receive);
    socket.on("disconnect", function () { ready = false; setStatus(T.offline); });
    socket.on("connect_error", function () { ready = false; setStatus(T.offline); });
  }
  var whenLoaded = null;

  window.addEventListener("offline", function () {
    ready = false;
    setStatus(T.offline);
    if (socket) socket.disconnect();
  });
  window.addEventListener("online", function () {
    if (socket) socket.connect(); else if (state.open) connect();
  });

  // ---- panel, safety buttons ----
  function setOpen(open, keepFocus) {
    state.open = open;
    save();
    panel.hidden = !open;
    launcher.hidden = open;
    launcher.setAttribute("aria-expanded", String(open));
    root.classList.toggle("copw-is-open", open);
    if (open) {
      connect();
      scrollDown();
      if (!keepFocus) input.focus();
    } else if (!keepFocus) {
      launcher.focus();
    }
  }

  function getHelpNow() {
    if (!state.open) setOpen(true);
    send(T.help, "/request_helpline");
  }

  function clearChat() {
    state = { sessionId: null, messages: [], open: true };
    save();
    renderAll();
    showTyping(false);
    if (socket && socket.connected) { ready = false; socket.emit("session_request", { session_id: null }); }
    announce(T.cleared);
    input.focus();
  }

  function quickExit() {
    try { sessionStorage.removeItem(STORE); } catch (e) { /* nothing to remove */ }
    if (socket) socket.disconnect();
    document.title = "";
    var meta = el("meta", { name: "referrer", content: "no-referrer" });
    document.head.appendChild(meta);
    document.body.textContent = "";
    // replace(): the chat page leaves the history, so Back does not return to it.
    location.replace(config.exitUrl);
  }

  var lastEscape = 0;
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var now = Date.now();
    if (now - lastEscape < ESC_GAP_MS) quickExit();
    lastEscape = now;
  }, true);

  // ---- start: the socket.io client from our server, never a CDN ----
  // Performance marks for scripts/widget_report.py: launcher usable, chat client loaded, connected.
  function mark(name) { if (window.performance && performance.mark) performance.mark(name); }

  function start() {
    document.body.appendChild(root);
    mark("copw-launcher-ready");
    renderAll();
    loadZones();
    if (state.open) setOpen(true, true);
    // The panel starts below the safety bar, whose height grows with the text size.
    if (window.ResizeObserver) new ResizeObserver(function () {
      root.style.setProperty("--copw-bar-h", bar.offsetHeight + "px");
    }).observe(bar);
    if (!window.io) {
      var client = el("script", { src: base + "socket.io.min.js" });
      client.addEventListener("load", function () { mark("copw-client-ready"); if (whenLoaded) whenLoaded(); });
      document.head.appendChild(client);
    }
  }
  if (document.body) start(); else document.addEventListener("DOMContentLoaded", start);
})();
