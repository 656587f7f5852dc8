# SPDX-License-Identifier: MIT
# The Python snippet of the Wintun seed text, run as written. Only its two
# endless loops are bounded (the lines marked "bounded"): the reader stops
# after SEED_PACKETS packets (default 3) and the main thread spins until the
# reader is done, instead of forever, so a test can run it to its end.
import os
import wintun
from threading import Thread
def log(level, timestamp, message):
    print(level, timestamp, message)
wintun.set_logger(log)
tun = wintun.TunDevice('Demo', 'tunnel', 0x40000)
print(wintun.get_driver_version())
if tun:
    print('MTU=' + str(tun.mtu))
    tun.mtu = 1500
    tun.ring_capacity = 1024*1024*8
    tun.addr = '10.2.0.0'
    print(tun.mtu)
    tun.up()
    print(tun.addr)
    print(tun.mtu)
    def read_task():
        received = 0                                        # bounded
        while received < int(os.environ.get('SEED_PACKETS', '3')):  # bounded: was `while True:`
            packet = tun.read()
            if packet:
                print('Received ' + str(len(packet)))
                received += 1                               # bounded
            else:
                tun.wait_read_event()
    t = Thread(target=read_task)
    t.start()
    while t.is_alive():                                     # bounded: was `while True:`
        pass
    tun.down()
