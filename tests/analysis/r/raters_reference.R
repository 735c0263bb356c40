# Reference values for tests/analysis/test_raters.py (self-other agreement, observer change,
# inter-rater agreement). Run from the repository root:
#   Rscript tests/analysis/r/raters_reference.R
# R 4.2.2, psych 2.2.9, multilevel 2.7 (Debian r-cran-psych, r-cran-multilevel).
# Writes tests/analysis/data/raters_sim.csv (simulated ratings), raters_self_sim.csv
# (simulated self-ratings) and raters_reference.csv (name,value), every value computed here
# by the published formula or a maintained R function, never by lipassess.
options(digits = 15)
set.seed(20261203)
out <- "tests/analysis/data"
A <- 5                                     # answer points 1..A
n <- 40
ids <- sprintf("P%02d", 1:n)
true_pre <- rnorm(n, 3, 0.5)
true_post <- true_pre + rnorm(n, 0.25, 0.3)  # observed change smaller than the self-rated one
rows <- list()
for (w in c("pre", "post")) {
  base <- if (w == "pre") true_pre else true_post
  for (i in 1:n) {
    if (w == "post" && i %% 9 == 0) next    # some participants have no observer at post
    k <- 1 + (i * 7 + nchar(w)) %% 5         # 1 to 5 raters, unbalanced
    for (j in 1:k) {
      rel <- if (j == 1) "supervisor" else if (j <= 3) "peer" else "direct_report"
      items <- pmin(A, pmax(1, round(base[i] + rnorm(4, 0, 0.7))))
      rows[[length(rows) + 1]] <- data.frame(participant = ids[i], wave = w,
        rater = sprintf("%s-%s-R%d", ids[i], w, j), relation = rel,
        O1 = items[1], O2 = items[2], O3 = items[3], O4 = items[4])
    }
  }
}
r <- do.call(rbind, rows)
r$O3[c(5, 40)] <- NA                       # two raters skipped an item
write.csv(r, file.path(out, "raters_sim.csv"), row.names = FALSE, na = "")
self <- rbind(
  data.frame(participant = ids, wave = "pre", score = round(true_pre + 0.4 + rnorm(n, 0, 0.35), 4)),
  data.frame(participant = ids, wave = "post", score = round(true_post + 0.6 + rnorm(n, 0, 0.35), 4)))
self$score[self$wave == "post" & self$participant == "P03"] <- NA
write.csv(self, file.path(out, "raters_self_sim.csv"), row.names = FALSE, na = "")

ref <- list()
put <- function(name, value) ref[[name]] <<- unname(value)

# A rater's score: the mean of the answered items; a participant's observer score: the mean
# of their raters' scores at that wave.
r$score <- rowMeans(r[, c("O1", "O2", "O3", "O4")], na.rm = TRUE)
other <- aggregate(score ~ participant + wave, data = r, FUN = mean)
wide_other <- reshape(other, idvar = "participant", timevar = "wave", direction = "wide")
wide_self <- reshape(self, idvar = "participant", timevar = "wave", direction = "wide")

# Observer-rated change pre -> post: paired t, d_z with noncentral-t CI (as paired_reference.R).
ncp_ci <- function(t, df, conf = 0.95) {
  a <- 1 - conf
  lo <- uniroot(function(x) pt(t, df, ncp = x) - (1 - a / 2), c(t - 10, t + 10), tol = 1e-13)$root
  hi <- uniroot(function(x) pt(t, df, ncp = x) - a / 2, c(t - 10, t + 10), tol = 1e-13)$root
  c(lo, hi)
}
paired_ref <- function(prefix, pre, post) {
  ok <- !is.na(pre) & !is.na(post); pre <- pre[ok]; post <- post[ok]
  d <- post - pre; nn <- length(d)
  tt <- t.test(post, pre, paired = TRUE)
  lim <- ncp_ci(unname(tt$statistic), nn - 1) / sqrt(nn)
  sav <- (sd(pre) + sd(post)) / 2
  put(paste0(prefix, "_n"), nn)
  put(paste0(prefix, "_mean_diff"), mean(d))
  put(paste0(prefix, "_mean_diff_ci_low"), tt$conf.int[1])
  put(paste0(prefix, "_mean_diff_ci_high"), tt$conf.int[2])
  put(paste0(prefix, "_t"), tt$statistic)
  put(paste0(prefix, "_p"), tt$p.value)
  put(paste0(prefix, "_d_z"), mean(d) / sd(d))
  put(paste0(prefix, "_d_z_ci_low"), lim[1])
  put(paste0(prefix, "_d_z_ci_high"), lim[2])
  put(paste0(prefix, "_d_av"), mean(d) / sav)
}
paired_ref("observer_change", wide_other$score.pre, wide_other$score.post)

# Self-other agreement at pre: self minus other, paired; correlation of self and other.
m <- merge(wide_self, wide_other, by = "participant", suffixes = c(".self", ".other"))
paired_ref("agreement_pre", m$score.pre.other, m$score.pre.self)
ct <- cor.test(m$score.pre.self, m$score.pre.other)
put("agreement_pre_r", ct$estimate); put("agreement_pre_r_ci_low", ct$conf.int[1])
put("agreement_pre_r_ci_high", ct$conf.int[2]); put("agreement_pre_r_p", ct$p.value)

# Correlation of self change and observer change (cor.test: Fisher z CI, t test).
self_change <- m$score.post.self - m$score.pre.self
other_change <- m$score.post.other - m$score.pre.other
ok <- !is.na(self_change) & !is.na(other_change)
ct <- cor.test(self_change[ok], other_change[ok])
put("change_r_n", sum(ok)); put("change_r", ct$estimate)
put("change_r_ci_low", ct$conf.int[1]); put("change_r_ci_high", ct$conf.int[2])
put("change_r_p", ct$p.value)

# Over-/under-estimation gap (self - other) before and after: paired test on the gap, and on
# its absolute value.
gap_pre <- m$score.pre.self - m$score.pre.other
gap_post <- m$score.post.self - m$score.post.other
paired_ref("gap", gap_pre, gap_post)
put("gap_mean_pre", mean(gap_pre[ok])); put("gap_mean_post", mean(gap_post[ok]))
paired_ref("abs_gap", abs(gap_pre), abs(gap_post))

# Inter-rater agreement at pre. One-way ANOVA of rater scores on participant (participants
# with at least 2 raters); ICC(1) = (MSB - MSW) / (MSB + (k0 - 1) MSW) with
# k0 = (N - sum(n_i^2) / N) / (g - 1); ICC(1,k) = (MSB - MSW) / MSB (Shrout & Fleiss 1979;
# Bliese 2000 ICC(2)). CIs: Shrout & Fleiss (1979) F limits with k0.
pre <- r[r$wave == "pre", ]
sizes <- table(pre$participant)
grouped <- pre[pre$participant %in% names(sizes)[sizes >= 2], ]
grouped$participant <- factor(grouped$participant)
fit <- aov(score ~ participant, data = grouped)
tab <- summary(fit)[[1]]
msb <- tab[1, 3]; msw <- tab[2, 3]; df1 <- tab[1, 1]; df2 <- tab[2, 1]
ni <- as.numeric(table(grouped$participant)); N <- sum(ni); g <- length(ni)
k0 <- (N - sum(ni^2) / N) / (g - 1)
F <- msb / msw
put("icc_targets", g); put("icc_ratings", N); put("icc_k0", k0)
put("icc_msb", msb); put("icc_msw", msw); put("icc_f", F); put("icc_df1", df1); put("icc_df2", df2)
put("icc_p", pf(F, df1, df2, lower.tail = FALSE))
put("icc1", (msb - msw) / (msb + (k0 - 1) * msw)); put("icc1k", (msb - msw) / msb)
FL <- F / qf(0.975, df1, df2); FU <- F * qf(0.975, df2, df1)
put("icc1_ci_low", (FL - 1) / (FL + k0 - 1)); put("icc1_ci_high", (FU - 1) / (FU + k0 - 1))
put("icc1k_ci_low", 1 - 1 / FL); put("icc1k_ci_high", 1 - 1 / FU)
# multilevel::ICC2 is the same ICC(1,k); multilevel::ICC1 uses the mean group size, so it
# differs from ICC(1) with k0 when groups are unbalanced (recorded for the record).
put("icc1k_multilevel", multilevel::ICC2(fit)); put("icc1_multilevel_mean_size", multilevel::ICC1(fit))

# Balanced check against psych::ICC: participants rated by exactly 3 raters at pre.
three <- names(sizes)[sizes == 3]
bal <- pre[pre$participant %in% three, ]
bal$slot <- ave(seq_len(nrow(bal)), bal$participant, FUN = seq_along)
w3 <- reshape(bal[, c("participant", "slot", "score")], idvar = "participant", timevar = "slot",
              direction = "wide")
ps <- psych::ICC(w3[, -1], lmer = FALSE)$results
put("balanced_targets", nrow(w3))
put("balanced_icc1", ps$ICC[1]); put("balanced_icc1k", ps$ICC[4])
put("balanced_icc1_ci_low", ps$`lower bound`[1]); put("balanced_icc1_ci_high", ps$`upper bound`[1])
put("balanced_icc1k_ci_low", ps$`lower bound`[4]); put("balanced_icc1k_ci_high", ps$`upper bound`[4])

# r_wg (James, Demaree & Wolf 1984) on the rater scale score, and r_wg(J) on the four items,
# with the uniform null variance (A^2 - 1) / 12 = 2 for A = 5; multilevel::rwg / rwg.j
# (listwise: a rater missing an item is left out of r_wg(J)).
ranvar <- (A^2 - 1) / 12
rw <- multilevel::rwg(grouped$score, grouped$participant, ranvar = ranvar)
rj <- multilevel::rwg.j(grouped[, c("O1", "O2", "O3", "O4")], grouped$participant, ranvar = ranvar)
put("rwg_mean", mean(rw$rwg)); put("rwg_median", median(rw$rwg))
put("rwg_zero", sum(rw$rwg == 0))
put("rwg_j_mean", mean(rj$rwg.j, na.rm = TRUE)); put("rwg_j_median", median(rj$rwg.j, na.rm = TRUE))
for (p in levels(grouped$participant)[1:3]) {
  put(paste0("rwg_", p), rw$rwg[rw$grpid == p]); put(paste0("rwg_j_", p), rj$rwg.j[rj$grpid == p])
}

values <- data.frame(name = names(ref), value = sprintf("%.15g", unlist(ref)))
write.csv(values, file.path(out, "raters_reference.csv"), row.names = FALSE, quote = FALSE)
print(values)
