#!/usr/bin/env python3
"""Writes a deterministic corpus of realistic, messy URLs (one a line) for the benchmark."""
import random
import sys

count = int(sys.argv[1]) if len(sys.argv) > 1 else 200000
rng = random.Random(20261129)

words = ["login", "secure", "account", "update", "verify", "paypal", "poste", "bank", "intesa",
         "unicredit", "amazon", "apple", "mail", "cdn", "static", "img", "news", "shop", "pay",
         "id", "auth", "support", "help", "web", "app", "portal", "cloud", "docs", "my"]
tlds = ["com", "it", "net", "org", "co.uk", "info", "xyz", "top", "ru", "de", "eu", "io",
        "com.br", "gov.it", "online", "site"]
idn = ["bücher", "poste-italiane-accès", "аpple", "例え", "пример", "façade", "straße", "ελληνικά"]
exts = ["html", "php", "asp", "js", "png", "htm", ""]


def host():
    r = rng.random()
    if r < 0.08:
        return str(rng.randrange(1, 2**32))
    if r < 0.12:
        return ".".join(hex(rng.randrange(256)) if rng.random() < 0.5 else
                        oct(rng.randrange(256)).replace("o", "") for _ in range(4))
    if r < 0.18:
        return ".".join(str(rng.randrange(256)) for _ in range(4))
    if r < 0.20:
        return "[2001:db8:%x::%x]" % (rng.randrange(65536), rng.randrange(65536))
    labels = [rng.choice(words) for _ in range(rng.randrange(1, 4))]
    if rng.random() < 0.07:
        labels[-1] = rng.choice(idn)
    h = ".".join(labels) + "." + rng.choice(tlds)
    if rng.random() < 0.15:
        h = h.upper() if rng.random() < 0.5 else h.capitalize()
    if rng.random() < 0.03:
        h = h + "..."
    return h


def path():
    segs = []
    for _ in range(rng.randrange(0, 6)):
        r = rng.random()
        if r < 0.08:
            segs.append("..")
        elif r < 0.14:
            segs.append(".")
        elif r < 0.18:
            segs.append("")
        else:
            segs.append(rng.choice(words) + (str(rng.randrange(100)) if rng.random() < 0.3 else ""))
    p = "/" + "/".join(segs)
    if rng.random() < 0.4:
        p += ("/" if not p.endswith("/") else "") + rng.choice(words) + "." + rng.choice(exts)
    if rng.random() < 0.12:
        p = p.replace("o", "%6F").replace("/", "%2F", 1) if rng.random() < 0.3 else p + "%20x%2525"
    return p


def query():
    if rng.random() < 0.55:
        return ""
    pairs = ["%s=%s" % (rng.choice(words), rng.choice(words + [str(rng.randrange(10**6))]))
             for _ in range(rng.randrange(1, 5))]
    q = "?" + "&".join(pairs)
    if rng.random() < 0.15:
        q += "&next=http%3A%2F%2F" + rng.choice(words) + ".com%2F"
    return q


for _ in range(count):
    scheme = rng.choice(["http://", "https://", "https://", "https://", "", "HTTP://"])
    user = ""
    if rng.random() < 0.04:
        user = rng.choice(["paypal.com", "user:pass", "admin"]) + "@"
    port = ":" + str(rng.choice([80, 443, 8080, 8443])) if rng.random() < 0.05 else ""
    frag = "#" + rng.choice(words) if rng.random() < 0.1 else ""
    sys.stdout.write(scheme + user + host() + port + path() + query() + frag + "\n")
