import cProfile, pstats, time
import django; django.setup()
from django.test import Client
from benchmarks import measure
import gc
c = Client(); c.force_login(measure.bench_user("reviewer"))
url = "/reviews/"
for _ in range(3): c.get(url, secure=True)
gc.collect(); gc.freeze()
pr = cProfile.Profile(time.process_time)
t = time.process_time()
pr.enable()
for _ in range(20): c.get(url, secure=True)
pr.disable()
print("cpu ms/req", (time.process_time()-t)*1000/20)
st = pstats.Stats(pr); st.sort_stats("cumulative").print_stats(60)
