// Package window will hold the window assigners (tumble, hop, session),
// watermarks, window state and the small interface that decides when a
// window fires. Nothing is built here yet (issue 3).
package window
