# Reference values for tests/analysis/test_then_test.py and test_attrition.py.
# Run from tests/analysis: Rscript r/then_attrition_reference.R   (R 4.2.2, effectsize 0.8.3)
options(digits = 15)
cat("==== then-test\n")
pre   <- c(3.4, 3.8, 3.0, 4.2, 3.6, 2.8, 3.9, 3.2, 3.5, 4.0)
retro <- c(2.9, 3.1, 2.8, 3.5, 3.2, 2.6, 3.3, 2.7, 3.4, 3.6)
post  <- c(3.9, 4.1, 3.6, 4.4, 4.0, 3.3, 4.3, 3.8, 3.7, 4.2)
for (pair in list(list(retro, pre), list(post, pre), list(post, retro))) {
  tt <- t.test(pair[[1]], pair[[2]], paired = TRUE)
  d <- pair[[1]] - pair[[2]]
  print(c(mean = mean(d), ci = tt$conf.int, p = tt$p.value, dz = mean(d) / sd(d),
          dav = mean(d) / ((sd(pair[[1]]) + sd(pair[[2]])) / 2)))
}
cat("==== attrition\n")
score <- c(3.1, 3.6, 2.8, 4.0, 3.3, 3.9, 2.5, 3.0, 3.7, 3.4, 2.9, 3.8)
kept  <- c(TRUE, TRUE, FALSE, TRUE, TRUE, TRUE, FALSE, FALSE, TRUE, TRUE, FALSE, TRUE)
sex   <- c("F", "M", "M", "F", "F", "M", "M", "F", "F", "M", "M", "F")
n1 <- sum(kept); n2 <- sum(!kept); N <- n1 + n2
om <- 1 - 3 / (4 * N - 9)
sp <- sqrt(((n1 - 1) * var(score[kept]) + (n2 - 1) * var(score[!kept])) / (N - 2))
print(c(g = om * (mean(score[kept]) - mean(score[!kept])) / sp))
print(effectsize::cohens_d(score[kept], score[!kept]), digits = 12)
p1 <- mean(sex[kept] == "F"); p2 <- mean(sex[!kept] == "F")
print(c(p1 = p1, p2 = p2, cox_F = om * (qlogis(p1) - qlogis(p2)) / 1.65,
        cox_M = om * (qlogis(1 - p1) - qlogis(1 - p2)) / 1.65, diff = p1 - p2))
