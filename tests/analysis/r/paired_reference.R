# Reference values for tests/analysis/test_paired.py. Run: Rscript tests/analysis/r/paired_reference.R
# R 4.2.2, effectsize 0.8.3 (Debian r-cran-effectsize).
options(digits=15)
ncp_ci <- function(t, df, conf=0.95) {
  a <- 1 - conf
  lo <- uniroot(function(x) pt(t, df, ncp=x) - (1 - a/2), c(t - 20, t + 20), tol=1e-13)$root
  hi <- uniroot(function(x) pt(t, df, ncp=x) - a/2, c(t - 20, t + 20), tol=1e-13)$root
  c(lo, hi)
}
ref <- function(pre, post, conf=0.95) {
  d <- post - pre; n <- length(d)
  tt <- t.test(post, pre, paired=TRUE, conf.level=conf)
  w <- suppressWarnings(wilcox.test(post, pre, paired=TRUE))
  lim <- ncp_ci(unname(tt$statistic), n - 1, conf)
  sav <- (sd(pre) + sd(post)) / 2
  J <- 1 - 3 / (4 * (n - 1) - 1)
  print(c(t=unname(tt$statistic), p=tt$p.value, ci=tt$conf.int, r=cor(pre, post), sdpre=sd(pre), sdpost=sd(post)))
  print(c(V=unname(w$statistic), p=w$p.value)); cat(w$method, "\n")
  print(c(dz=mean(d)/sd(d), dz_ci=lim/sqrt(n)))
  dav <- mean(d)/sav; avci <- lim * sd(d) / (sqrt(n) * sav)
  print(c(dav=dav, dav_ci=avci, gav=J*dav, gav_ci=J*avci))
}
s2 <- reshape(sleep, direction="wide", idvar="ID", timevar="group")
ref(s2$extra.1, s2$extra.2)
ref(s2$extra.1, s2$extra.2, conf=0.9)
print(effectsize::cohens_d(s2$extra.2 - s2$extra.1), digits=12)
# exact Wilcoxon: no ties, no zeros
pre <- c(3.1, 2.4, 3.8, 2.9, 3.3, 2.2, 3.6, 2.7)
post <- c(3.4, 3.3, 3.7, 3.5, 4.1, 2.75, 4.5, 2.45)
ref(pre, post)
cat("---- exact\n")
pre <- c(10, 12, 9, 14, 11, 13, 8, 15); post <- pre + c(3, -1, 5, 2, 7, -4, 6, 8)
w <- wilcox.test(post, pre, paired=TRUE); print(c(w$statistic, p=w$p.value)); cat(w$method, "\n")
w <- wilcox.test(pre, post, paired=TRUE); print(c(w$statistic, p=w$p.value))
cat("---- n=60 no ties\n")
pre <- as.numeric(1:60); post <- pre + ((1:60 * 37) %% 61 - 10.3)
w <- wilcox.test(post, pre, paired=TRUE); print(c(w$statistic, p=w$p.value)); cat(w$method, "\n")
cat("---- constant change\n"); print(0.5 / sd(c(2, 3, 4, 3.5)))
