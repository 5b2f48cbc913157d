"""What tests share: factories, drivers (the resident, the operator, the simulator's phone), sample
files and helpers. Test modules import from here (and from tests/fakes), never from each other."""
