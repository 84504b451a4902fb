// Loaded synchronously in <head>: marks the page as scripted before it is painted,
// so that JavaScript-only controls (and their no-JS fallbacks) never flash.
document.documentElement.classList.add("js");
