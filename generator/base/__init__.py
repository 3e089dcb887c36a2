"""The ground floor: errors located in files, atomic writes, the format table, one output
document (Edition), the build request, the clock, worker processes. Imports nothing above."""
