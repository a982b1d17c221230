module github.com/freshet/freshet

go 1.26.8
