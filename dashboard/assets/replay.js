// The replay of a day (results page) uses Plotly's own animation. When Pause, or a
// click on the time slider, interrupts a playing animation, Plotly rejects that
// animation's promise with no reason, on purpose ("a signal that this happened",
// plotly.js issue 2438), and its buttons do not catch it: the browser would log an
// "Uncaught (in promise)" error for a normal use. Only such reasonless rejections,
// and only on a page with a replay, are kept out of the console.
window.addEventListener("unhandledrejection", (event) => {
  if (event.reason === undefined && document.getElementById("replay")) {
    event.preventDefault();
  }
});
