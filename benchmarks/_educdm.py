"""What both EduCDM runners share (benchmarks/cdm_frcsub.py, benchmarks/ncdm_educdm.py).

EduCDM/__init__.py imports every model (torch and more among them), so a runner loads the one
model file it needs on its own. ``LOADER`` is that part of a runner's source: given ``root``
(EduCDM's package folder), it defines ``load(name, path)`` and registers an empty ``EduCDM``
package with the one name the model files import from it (the ``CDM`` base class, from
EduCDM/meta.py, which needs nothing). The runners run in another interpreter, so this is
source text, not a function.
"""

LOADER = """def load(name, path):
    s = importlib.util.spec_from_file_location(name, path)
    m = importlib.util.module_from_spec(s)
    sys.modules[name] = m
    s.loader.exec_module(m)
    return m
package = types.ModuleType("EduCDM")
package.__path__ = [str(root)]
sys.modules["EduCDM"] = package
package.CDM = load("EduCDM.meta", root / "meta.py").CDM
"""
