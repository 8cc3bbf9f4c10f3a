"""Cases (案件查询): the list that stays instant with a million cases, and one case in full."""
