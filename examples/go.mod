module example.com/minivm

go 1.19
