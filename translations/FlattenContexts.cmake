# cmake -DIN=x.ts -DOUT=y.ts -P FlattenContexts.cmake: the same messages with every context name
# emptied, for the context-free lookup of strings translated through core's helper functions.
file(READ "${IN}" ts)
string(REGEX REPLACE "<name>[^<]*</name>" "<name></name>" ts "${ts}")
file(WRITE "${OUT}" "${ts}")
