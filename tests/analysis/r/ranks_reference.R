# Reference values for tests/analysis/test_ranks.py (issue 15, points 1 and 5).
# Writes data/ties_items.csv and prints the values the tests compare with.
# Run from tests/analysis: Rscript r/ranks_reference.R   (R 4.2.2, effectsize 0.8.3)
#
# Scale scores are the mean of six 1-5 items. The tests compute them from the
# items in floating point, where mathematically equal differences (21/6 - 20/6
# and 24/6 - 23/6) differ in the last bit. Here every rank test runs on the
# exact item SUMS (integers), so ties are ties; ranks, V, W, Q and p are the same
# for sums and for sums / 6.
options(digits = 15)
set.seed(15)
n <- 24
trait <- rnorm(n)
items <- function(shift) {
  m <- sapply(1:6, function(i) pmin(5, pmax(1, round(3 + trait + shift + rnorm(n, 0, 0.9)))))
  m
}
pre <- items(0); post <- items(0.4); retro <- items(-0.2); followup <- items(0.3)
kept <- rep(c(TRUE, TRUE, FALSE), length.out = n)
colnames(pre) <- paste0("pre_", 1:6); colnames(post) <- paste0("post_", 1:6)
colnames(retro) <- paste0("retro_", 1:6); colnames(followup) <- paste0("followup_", 1:6)
d <- data.frame(id = sprintf("P%02d", 1:n), pre, post, retro, followup, kept = as.integer(kept))
write.csv(d, "data/ties_items.csv", row.names = FALSE)
s_pre <- rowSums(pre); s_post <- rowSums(post); s_retro <- rowSums(retro); s_fu <- rowSums(followup)

signed <- function(label, after, before) {
  w <- suppressWarnings(wilcox.test(after, before, paired = TRUE))
  # On the differences: effectsize then counts the non-zero differences in the
  # SE of the CI; called as (after, before, paired = TRUE) it counts every pair.
  rb <- effectsize::rank_biserial(after - before)
  cat(label, "\n")
  print(c(V = unname(w$statistic), p = w$p.value, r_rb = rb$r_rank_biserial,
          r_rb_ci_low = rb$CI_low, r_rb_ci_high = rb$CI_high))
  cat(w$method, "\n")
}
cat("==== signed rank on item sums\n")
signed("post - pre", s_post, s_pre)
signed("retro - pre", s_retro, s_pre)
signed("post - retro", s_post, s_retro)
signed("followup - pre", s_fu, s_pre)
cat("==== the same with ties broken as floating point would (digits.rank = Inf on means)\n")
w <- suppressWarnings(wilcox.test(rowMeans(post), rowMeans(pre), paired = TRUE))
print(c(V = unname(w$statistic), p = w$p.value))
cat("==== Friedman on item sums (pre, post, followup)\n")
f <- friedman.test(cbind(s_pre, s_post, s_fu))
print(c(Q = unname(f$statistic), p = f$p.value))
cat("==== Mann-Whitney: pre sums, kept vs lost\n")
m <- suppressWarnings(wilcox.test(s_pre[kept], s_pre[!kept]))
print(c(W = unname(m$statistic), p = m$p.value)); cat(m$method, "\n")
rb <- effectsize::rank_biserial(s_pre[kept], s_pre[!kept])
print(c(r_rb = rb$r_rank_biserial))
