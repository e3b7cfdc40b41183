#include <cstdio>
int main() { std::puts("rcvault: skeleton"); return 0; }
